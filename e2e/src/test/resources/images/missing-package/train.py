import json

import kiln_sandbox_no_such_package

print(json.dumps(kiln_sandbox_no_such_package.train()))
