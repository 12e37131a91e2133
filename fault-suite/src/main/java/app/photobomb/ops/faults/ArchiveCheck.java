package app.photobomb.ops.faults;

import app.photobomb.ops.common.events.UserExportCompleted;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Opens an export archive as its user would and checks it against its manifest ({@code manifest.sha256}: every file
 * listed, every hash right), against the account (one entry under photos/ per seeded photo, the originals' bytes)
 * and against its completion event (size, SHA-256, photo count). Returns what disagrees; empty when it all holds.
 */
final class ArchiveCheck {

  private static final String MANIFEST = "manifest.sha256";

  private ArchiveCheck() {
  }

  static List<String> problems(Path archive, SeededAccount account, UserExportCompleted completed) {
    List<String> problems = new ArrayList<>();
    try {
      if (Files.size(archive) != completed.bytes()) {
        problems.add("archive is " + Files.size(archive) + " bytes, the event says " + completed.bytes());
      }
      String sha256 = sha256(Files.newInputStream(archive));
      if (!sha256.equals(completed.sha256())) {
        problems.add("archive's SHA-256 is " + sha256 + ", the event says " + completed.sha256());
      }
      try (ZipFile zip = new ZipFile(archive.toFile())) {
        Map<String, String> hashes = new LinkedHashMap<>();
        for (ZipEntry entry : zip.stream().filter(e -> !e.isDirectory()).toList()) {
          try (InputStream in = zip.getInputStream(entry)) {
            hashes.put(entry.getName(), sha256(in));
          }
        }
        problems.addAll(againstManifest(zip, hashes));
        List<String> photos = hashes.entrySet().stream().filter(e -> e.getKey().startsWith("photos/"))
            .map(Map.Entry::getValue).sorted().toList();
        List<String> originals = account.photos().stream().map(SeededAccount.Photo::originalSha256).sorted().toList();
        if (!photos.equals(originals)) {
          problems.add("photos/ holds " + photos.size() + " files whose hashes differ from the account's "
              + originals.size() + " originals");
        }
        if (completed.photoCount() != originals.size()) {
          problems.add("the event counts " + completed.photoCount() + " photos, the account has " + originals.size());
        }
      }
    } catch (IOException e) {
      problems.add("cannot read the archive " + archive + ": " + e);
    }
    return problems;
  }

  private static List<String> againstManifest(ZipFile zip, Map<String, String> hashes) throws IOException {
    ZipEntry manifest = zip.getEntry(MANIFEST);
    if (manifest == null) {
      return List.of("no " + MANIFEST + " in the archive");
    }
    List<String> problems = new ArrayList<>();
    Map<String, String> listed = new LinkedHashMap<>();
    try (InputStream in = zip.getInputStream(manifest)) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) {
          // sha256sum's format: the hash, two spaces, the name
          listed.put(line.substring(line.indexOf("  ") + 2), line.substring(0, line.indexOf("  ")));
        }
      }
    }
    listed.forEach((name, hash) -> {
      if (!hash.equals(hashes.get(name))) {
        problems.add(MANIFEST + " lists " + name + " with " + hash + ", the archive holds "
            + (hashes.containsKey(name) ? hashes.get(name) : "no such file"));
      }
    });
    hashes.keySet().stream().filter(name -> !name.equals(MANIFEST) && !listed.containsKey(name))
        .forEach(name -> problems.add(name + " is in the archive but not in " + MANIFEST));
    return problems;
  }

  private static String sha256(InputStream content) throws IOException {
    try (DigestInputStream in = new DigestInputStream(content, MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(in.getMessageDigest().digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
