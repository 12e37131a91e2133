package app.photobomb.ops.storage.s3;

import java.net.URI;
import java.util.Objects;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * An S3-compatible store, Cloudflare R2 in production ({@code photobomb.storage.r2.*}).
 *
 * @param endpoint the S3 API endpoint, e.g. {@code https://<account id>.r2.cloudflarestorage.com}
 * @param region signing region; R2 takes {@code auto}
 * @param accessKeyId id of the access key
 * @param secretAccessKey the secret key itself; never logged, and left out of {@link #toString()}
 * @param multipartThreshold objects larger than this go up as a multipart upload, smaller ones in one request
 * @param partSize size of each part of a multipart upload, and the memory one such upload holds
 */
@ConfigurationProperties("photobomb.storage.r2")
public record S3Properties(URI endpoint, @DefaultValue("auto") String region, String accessKeyId,
    String secretAccessKey, @DefaultValue("64MB") DataSize multipartThreshold,
    @DefaultValue("16MB") DataSize partSize) {

  /** S3's and R2's smallest part, the last one excepted. */
  static final long MIN_PART_SIZE = 5L << 20;
  /** S3's and R2's largest part, and largest single-request upload or copy. */
  static final long MAX_PART_SIZE = 5L << 30;

  public S3Properties {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(multipartThreshold, "multipartThreshold");
    Objects.requireNonNull(partSize, "partSize");
    if (partSize.toBytes() < MIN_PART_SIZE || partSize.toBytes() > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("partSize must be 5 MiB to 2 GiB (one part is held in memory): " + partSize);
    }
    if (multipartThreshold.toBytes() < 0 || multipartThreshold.toBytes() > MAX_PART_SIZE) {
      throw new IllegalArgumentException("multipartThreshold must be 0 to 5 GiB: " + multipartThreshold);
    }
  }

  @Override
  public String toString() {
    return "S3Properties[endpoint=" + endpoint + ", region=" + region + ", accessKeyId=" + accessKeyId
        + ", secretAccessKey=<redacted>, multipartThreshold=" + multipartThreshold + ", partSize=" + partSize + "]";
  }
}
