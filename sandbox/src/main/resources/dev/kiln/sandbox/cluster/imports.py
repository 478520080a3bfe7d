# The Kiln sandbox runs a user's image with this machine's Python instead of the image's, so what
# the image's Dockerfile installs with pip may be missing here. Before the container starts, this
# script lists the modules its code imports that this Python cannot find, one per line:
#   <module>\t<file that imports it>
# Arguments: the container's command after the interpreter (a script, -m module, -c code, an
# ASGI app "module:attr", torchrun's script...). The code is read, never run: every .py file of
# the image that the entry point imports (transitively), from the working directory and
# PYTHONPATH. Imports guarded by try/except ImportError and under "if TYPE_CHECKING" are optional.
import ast
import importlib.util
import os
import sys

STDLIB = set(sys.stdlib_module_names) | set(sys.builtin_module_names) | {"__future__"}
GUARDS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}
ROOTS = [os.getcwd()] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]


def local_file(name, roots):
    """The file of a module found in the image's own folders; "" for a folder; None if absent."""
    parts = name.split(".")
    for root in roots:
        path = os.path.join(root, *parts)
        for candidate in (path + ".py", os.path.join(path, "__init__.py")):
            if os.path.isfile(candidate):
                return candidate
        if os.path.isdir(path):
            return ""
    return None


def catches_import_errors(handler):
    if handler.type is None:
        return True
    names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(n, ast.Name) and n.id in GUARDS for n in names)


def type_checking(node):
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports(tree):
    """(module, level, names) of every import that is not optional."""
    found = []

    def visit(node, optional):
        if isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            guarded = optional or any(catches_import_errors(h) for h in node.handlers)
            for child in node.body:
                visit(child, guarded)
            for child in node.handlers + node.orelse + node.finalbody:
                visit(child, optional)
            return
        if isinstance(node, ast.If) and type_checking(node):
            return
        if not optional and isinstance(node, ast.Import):
            found.extend((alias.name, 0, []) for alias in node.names)
        elif not optional and isinstance(node, ast.ImportFrom):
            found.append((node.module or "", node.level, [a.name for a in node.names]))
        for child in ast.iter_child_nodes(node):
            visit(child, optional)

    visit(tree, False)
    return found


class Scan:
    def __init__(self):
        self.seen = set()
        self.required = {}  # module -> the first file importing it

    def module(self, name, importer, roots=ROOTS):
        top = name.split(".")[0]
        if not top or top in STDLIB:
            return
        path = local_file(name, roots)
        if path is None and local_file(top, roots) is not None:
            path = local_file(top, roots)
        if path is None:
            self.required.setdefault(top, importer)
        elif path:
            self.file(path)

    def file(self, path):
        path = os.path.abspath(path)
        if path in self.seen:
            return
        self.seen.add(path)
        try:
            with open(path, encoding="utf-8") as f:
                tree = ast.parse(f.read(), path)
        except (OSError, SyntaxError, ValueError):
            return  # running it will show the problem
        self.code(tree, path)

    def code(self, tree, path):
        here = os.path.dirname(path) if path != "-c" else os.getcwd()
        roots = [here] + ROOTS
        shown = os.path.relpath(path) if path != "-c" else "-c"
        for name, level, names in imports(tree):
            if level == 0:
                self.module(name, shown, roots)
                for n in names:
                    sub = local_file(name + "." + n, roots) if name else None
                    if sub:
                        self.file(sub)
                continue
            base = here
            for _ in range(level - 1):
                base = os.path.dirname(base)
            for n in ([name] if name else names):
                sub = local_file(n, [base])
                if sub:
                    self.file(sub)


def main(args):
    scan = Scan()
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "-m" and i + 1 < len(args):
            scan.module(args[i + 1], "-m " + args[i + 1])
            i += 1
        elif arg == "-c" and i + 1 < len(args):
            try:
                scan.code(ast.parse(args[i + 1]), "-c")
            except SyntaxError:
                pass
            i += 1
        elif arg.endswith(".py") and os.path.isfile(arg):
            scan.file(arg)
        elif ":" in arg and not arg.startswith("-") and "/" not in arg:
            module = arg.split(":", 1)[0]
            if module.replace(".", "").replace("_", "").isalnum() and local_file(module, ROOTS):
                scan.module(module, arg)
        i += 1
    for module, importer in sorted(scan.required.items()):
        try:
            present = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            present = True  # it exists but is odd: running it will tell
        if not present:
            print(module + "\t" + importer)


main(sys.argv[1:])
