package app.photobomb.ops.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import app.photobomb.ops.localstack.LocalDirectory.LocalDirectoryRefusedException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local directory is the stack's alone: it never adopts, and a reset never deletes, someone else's directory. */
class LocalStackDirectoryTest {

  @TempDir
  Path temp;

  @Test
  void resetRefusesADirectoryWithoutTheMarkerAndDeletesNothing() throws Exception {
    Path home = Files.createDirectory(temp.resolve("home"));
    Files.writeString(home.resolve("thesis.txt"), "years of work");

    assertThatThrownBy(() -> LocalDirectory.reset(home))
        .isInstanceOf(LocalDirectoryRefusedException.class)
        .hasMessageContaining("refusing to reset " + home)
        .hasMessageContaining(LocalDirectory.MARKER);
    assertThat(home.resolve("thesis.txt")).hasContent("years of work");
  }

  @Test
  void startRefusesANonEmptyDirectoryWithoutTheMarkerAndWritesNothingThere() throws Exception {
    Path home = Files.createDirectory(temp.resolve("home"));
    Files.writeString(home.resolve("thesis.txt"), "years of work");

    assertThatThrownBy(() -> LocalStack.start(LocalStackSettings.anyFreePorts(home)))
        .isInstanceOf(LocalDirectoryRefusedException.class)
        .hasMessageContaining("PHOTOBOMB_LOCAL_DIR");
    try (var entries = Files.list(home)) {
      assertThat(entries).containsExactly(home.resolve("thesis.txt"));
    }
  }

  @Test
  void resetDeletesTheStacksDirectoryButNothingBehindItsSymbolicLinks() throws Exception {
    Path elsewhere = Files.createDirectory(temp.resolve("elsewhere"));
    Files.writeString(elsewhere.resolve("keep.txt"), "not the stack's");
    Path local = temp.resolve(".local");
    try (LocalDirectory directory = LocalDirectory.open(local)) {
      assertThat(directory.fresh()).isTrue();
      Files.createDirectories(local.resolve("postgres/base"));
      Files.writeString(local.resolve("postgres/base/1"), "data");
      Files.createSymbolicLink(local.resolve("objects"), elsewhere);
    }
    try (LocalDirectory again = LocalDirectory.open(local)) {
      assertThat(again.fresh()).as("kept across runs").isFalse();
    }

    LocalDirectory.reset(local);

    assertThat(local).doesNotExist();
    assertThat(elsewhere.resolve("keep.txt")).hasContent("not the stack's");
    try (LocalDirectory fresh = LocalDirectory.open(local)) {
      assertThat(fresh.fresh()).isTrue();
    }
  }

  @Test
  void secondStackOnTheSameDirectoryIsRefusedWhileTheFirstRuns() {
    Path local = temp.resolve(".local");
    try (LocalDirectory first = LocalDirectory.open(local)) {
      assertThatThrownBy(() -> LocalDirectory.open(local))
          .isInstanceOf(LocalDirectoryRefusedException.class)
          .hasMessageContaining("another local stack is running");
      assertThatThrownBy(() -> LocalDirectory.reset(local))
          .isInstanceOf(LocalDirectoryRefusedException.class);
    }
  }
}
