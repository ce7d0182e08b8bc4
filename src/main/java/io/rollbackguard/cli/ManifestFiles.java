package io.rollbackguard.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The manifests that {@code lint} and {@code alerts} read: files as given; directories searched, policy tests left out. */
final class ManifestFiles {
  /** @param files in order; a missing path is kept, and reported when it is read */
  record Found(List<Path> files, int unreadableDirectories) {}

  private ManifestFiles() {}

  static Found of(List<Path> paths, PrintWriter err) {
    List<Path> files = new ArrayList<>();
    int unreadable = 0;
    for (Path p : paths) {
      if (!Files.isDirectory(p)) {
        files.add(p);
        continue;
      }
      try (Stream<Path> walk = Files.walk(p)) {
        walk.filter(Files::isRegularFile).filter(ManifestFiles::isManifestName).filter(f -> !isPolicyTest(f))
            .sorted().forEach(files::add);
      } catch (IOException e) {
        err.println("error: " + p + ": cannot read: " + ClusterConnection.rootMessage(e));
        unreadable++;
      }
    }
    return new Found(files, unreadable);
  }

  private static boolean isManifestName(Path file) {
    String name = file.getFileName().toString();
    return name.endsWith(".yaml") || name.endsWith(".yml");
  }

  /** {@code *.test.yaml} are policy tests ({@code rollback-guard test}), not manifests. */
  static boolean isPolicyTest(Path file) {
    String name = file.getFileName().toString();
    return name.endsWith(".test.yaml") || name.endsWith(".test.yml");
  }
}
