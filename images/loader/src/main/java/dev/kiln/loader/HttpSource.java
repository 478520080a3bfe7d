package dev.kiln.loader;

import static dev.kiln.loader.Messages.describe;
import static dev.kiln.loader.Messages.redact;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Downloads one file over {@code http(s)://}, following redirects. The answer's status says which
 * failure it is (not found, access denied, other); a transfer shorter than its Content-Length broke
 * off. Messages never show the query string or user info.
 */
final class HttpSource {
  private HttpSource() {}

  /** An open connection and the status it answered. */
  private record Response(HttpURLConnection connection, int status) {}

  static Path download(String source, Path into, Map<String, String> env)
      throws LoaderException, IOException {
    URI uri = URI.create(source);
    String path = uri.getPath() == null ? "" : uri.getPath();
    String name = path.substring(path.lastIndexOf('/') + 1);
    Path target = into.resolve(name.isEmpty() ? "download" : name);
    int readTimeout =
        Integer.parseInt(env.getOrDefault("KILN_LOADER_READ_TIMEOUT_SECONDS", "60").trim());
    Response response = connect(uri, source, readTimeout);
    try {
      checkStatus(response.status(), source);
      transfer(response.connection(), source, target);
      return target;
    } finally {
      response.connection().disconnect();
    }
  }

  private static Response connect(URI uri, String source, int readTimeoutSeconds)
      throws LoaderException {
    try {
      HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
      connection.setConnectTimeout(15_000);
      // A transfer that stalls this long counts as broken off.
      connection.setReadTimeout(readTimeoutSeconds * 1000);
      connection.setInstanceFollowRedirects(true);
      return new Response(connection, connection.getResponseCode());
    } catch (IOException e) {
      throw new LoaderException(
          LoaderException.IO, "cannot reach " + redact(source) + ": " + describe(e), e);
    }
  }

  private static void checkStatus(int status, String source) throws LoaderException {
    if (status == 404 || status == 410) {
      throw new LoaderException(
          LoaderException.NOT_FOUND, redact(source) + " answered HTTP " + status);
    }
    if (status == 401 || status == 403) {
      throw new LoaderException(
          LoaderException.ACCESS_DENIED, redact(source) + " refused access (HTTP " + status + ")");
    }
    if (status / 100 != 2) {
      throw new LoaderException(LoaderException.IO, redact(source) + " answered HTTP " + status);
    }
  }

  private static void transfer(HttpURLConnection connection, String source, Path target)
      throws LoaderException, IOException {
    long length = connection.getContentLengthLong();
    try (InputStream body = connection.getInputStream()) {
      Files.copy(body, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new LoaderException(
          LoaderException.IO, "transfer from " + redact(source) + " broke off: " + describe(e), e);
    }
    long size = Files.size(target);
    if (length >= 0 && size < length) {
      throw new LoaderException(
          LoaderException.IO,
          "transfer from "
              + redact(source)
              + " broke off after "
              + size
              + " of "
              + length
              + " bytes");
    }
    if (length >= 0 && size != length) {
      throw new LoaderException(
          LoaderException.INTEGRITY,
          redact(source) + ": got " + size + " bytes, Content-Length said " + length);
    }
  }
}
