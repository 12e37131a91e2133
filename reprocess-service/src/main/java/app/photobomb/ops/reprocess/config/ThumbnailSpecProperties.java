package app.photobomb.ops.reprocess.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The thumbnail spec version ({@code photobomb.thumbnails.spec-version}, shared with the thumbnail-worker): a
 * photo's reprocess_thumbnails job is keyed by it, so raising it queues every photo again and keeping it queues
 * none twice.
 */
@ConfigurationProperties("photobomb.thumbnails")
public record ThumbnailSpecProperties(@DefaultValue("1") int specVersion) {
}
