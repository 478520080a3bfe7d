package dev.kiln.loader;

import java.util.Locale;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * What an S3 failure means for the user, as a {@link LoaderException} with the matching exit code:
 * bad credentials (the store's or STS's answer), missing permission, no such bucket or key, or the
 * store out of reach.
 */
final class S3Errors {
  private S3Errors() {}

  static LoaderException translate(SdkException e, String bucket, String uri) {
    if (e instanceof S3Exception s3e) {
      return translate(s3e, bucket, uri);
    }
    StsException sts = stsCause(e);
    if (sts != null) {
      return translate(sts, bucket);
    }
    String message = Messages.firstLine(e.getMessage());
    if (e instanceof SdkClientException
        && message.toLowerCase(Locale.ROOT).contains("credentials")) {
      return new LoaderException(
          LoaderException.ACCESS_DENIED,
          "no usable credentials for bucket '"
              + bucket
              + "': set AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or AWS_ROLE_ARN and"
              + " AWS_WEB_IDENTITY_TOKEN_FILE (a service account role)");
    }
    return new LoaderException(
        LoaderException.IO, "cannot reach the store for bucket '" + bucket + "': " + message);
  }

  /**
   * STS's answer to the web identity: only its error code is shown (its message may quote the
   * token's claims), never the token.
   */
  private static LoaderException translate(StsException e, String bucket) {
    String code =
        e.awsErrorDetails() == null ? "" : String.valueOf(e.awsErrorDetails().errorCode());
    if (e.statusCode() >= 500) {
      return new LoaderException(
          LoaderException.IO,
          "STS failed to exchange the web identity token for bucket '"
              + bucket
              + "': HTTP "
              + e.statusCode()
              + " "
              + code);
    }
    return new LoaderException(
        LoaderException.ACCESS_DENIED,
        "STS refused the web identity for bucket '"
            + bucket
            + "' ("
            + code
            + "): check that the role in AWS_ROLE_ARN trusts the token in"
            + " AWS_WEB_IDENTITY_TOKEN_FILE (identity provider, audience, service account)");
  }

  private static StsException stsCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StsException sts) {
        return sts;
      }
    }
    return null;
  }

  private static LoaderException translate(S3Exception e, String bucket, String uri) {
    String code =
        e.awsErrorDetails() == null ? "" : String.valueOf(e.awsErrorDetails().errorCode());
    return switch (code) {
      case "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken" ->
          new LoaderException(
              LoaderException.ACCESS_DENIED,
              "bucket '"
                  + bucket
                  + "' rejected the credentials ("
                  + code
                  + "): check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in the job's secret");
      case "AccessDenied", "AllAccessDisabled" ->
          new LoaderException(
              LoaderException.ACCESS_DENIED,
              "access denied to bucket '"
                  + bucket
                  + "' ("
                  + uri
                  + "): the credentials lack permission");
      case "NoSuchBucket" ->
          new LoaderException(LoaderException.NOT_FOUND, "bucket '" + bucket + "' does not exist");
      case "NoSuchKey" -> new LoaderException(LoaderException.NOT_FOUND, "no object at " + uri);
      default ->
          e.statusCode() == 403
              ? new LoaderException(
                  LoaderException.ACCESS_DENIED,
                  "access denied to bucket '" + bucket + "' (" + code + ")")
              : new LoaderException(
                  LoaderException.IO,
                  "S3 error on bucket '" + bucket + "': HTTP " + e.statusCode() + " " + code);
    };
  }
}
