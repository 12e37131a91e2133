package app.photobomb.ops.faults;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.convert.DurationStyle;

/**
 * What one run of the suite does, from environment variables: which faults, how many rounds of each, how much load
 * per round, how many injections, how long to wait for the system to settle, where to keep the run's files, the random seed.
 *
 * @param rounds rounds of each fault ({@code FAULTS_ROUNDS}, 1)
 * @param forcedDeletions accounts deleted at once, per round ({@code FAULTS_FORCED_DELETIONS}, 6)
 * @param cancelledDeletions accounts asked for deletion and then cancelled, per round
 *     ({@code FAULTS_CANCELLED_DELETIONS}, 6)
 * @param exports exports per round ({@code FAULTS_EXPORTS}, 6)
 * @param photosPerAccount photos of every seeded account ({@code FAULTS_PHOTOS}, 3)
 * @param purges purges of thumbnail URLs per round, 3 URLs each ({@code FAULTS_PURGES}, 6)
 * @param reprocessed accounts whose thumbnails a reprocess batch regenerates, one batch each, per round
 *     ({@code FAULTS_REPROCESSED}, 3)
 * @param faults the faults to run, each in rounds of its own ({@code FAULTS_FAULTS}, comma-separated names of
 *     {@link FaultKind}; all by default)
 * @param injections injections of the fault per round ({@code FAULTS_INJECTIONS}, 2; the kill fault kills each
 *     service that many times)
 * @param killTogether the kill fault kills every service at the same moment instead of each in turn
 *     ({@code FAULTS_KILL_TOGETHER}, false: CI's short round, where each restart of a JVM costs half a minute)
 * @param maxKillDelay longest wait before an injection, after the commands of its wave ({@code FAULTS_MAX_KILL_DELAY},
 *     6s)
 * @param serverDown how long a restarted server stays down ({@code FAULTS_SERVER_DOWN}, 5s)
 * @param storm how long a Cloudflare 429 storm and a B2 outage last ({@code FAULTS_STORM}, 10s)
 * @param recovery longest time the system may take to catch up after one injection ({@code FAULTS_RECOVERY}, 3m)
 * @param settle how long every command may take to reach its terminal event once the faults stop
 *     ({@code FAULTS_SETTLE}, 4m)
 * @param directory the run's files: logs, object store, spool ({@code FAULTS_DIR}, fault-suite/target/faults-run)
 * @param seed random seed of the kill moments ({@code FAULTS_SEED}, the current time)
 * @param serviceHeap heap of each service's JVM ({@code FAULTS_SERVICE_HEAP}, 384m)
 * @param serviceJvmOptions more options of each service's JVM ({@code FAULTS_SERVICE_JVM_OPTIONS}; by default C1
 *     only and the serial collector, which start a JVM about a third sooner on two shared cores: a restart is
 *     what the suite times, and throughput is not)
 * @param report where the Markdown table goes ({@code FAULTS_REPORT}, fault-suite/target/faults.md)
 */
record FaultSettings(int rounds, int forcedDeletions, int cancelledDeletions, int exports, int photosPerAccount,
    int purges, int reprocessed, List<FaultKind> faults, int injections, boolean killTogether, Duration maxKillDelay, Duration serverDown, Duration storm,
    Duration recovery, Duration settle, Path directory, long seed, String serviceHeap, List<String> serviceJvmOptions,
    Path report) {

  static FaultSettings fromEnvironment(Map<String, String> env) {
    return new FaultSettings(
        integer(env, "FAULTS_ROUNDS", 1),
        integer(env, "FAULTS_FORCED_DELETIONS", 6),
        integer(env, "FAULTS_CANCELLED_DELETIONS", 6),
        integer(env, "FAULTS_EXPORTS", 6),
        integer(env, "FAULTS_PHOTOS", 3),
        integer(env, "FAULTS_PURGES", 6),
        integer(env, "FAULTS_REPROCESSED", 3),
        FaultKind.parse(env.getOrDefault("FAULTS_FAULTS", "")),
        integer(env, "FAULTS_INJECTIONS", 2),
        Boolean.parseBoolean(env.getOrDefault("FAULTS_KILL_TOGETHER", "false").trim()),
        duration(env, "FAULTS_MAX_KILL_DELAY", "6s"),
        duration(env, "FAULTS_SERVER_DOWN", "5s"),
        duration(env, "FAULTS_STORM", "10s"),
        duration(env, "FAULTS_RECOVERY", "3m"),
        duration(env, "FAULTS_SETTLE", "4m"),
        Path.of(env.getOrDefault("FAULTS_DIR", "fault-suite/target/faults-run")).toAbsolutePath().normalize(),
        Long.parseLong(env.getOrDefault("FAULTS_SEED", Long.toString(System.currentTimeMillis()))),
        env.getOrDefault("FAULTS_SERVICE_HEAP", "384m"),
        List.of(env.getOrDefault("FAULTS_SERVICE_JVM_OPTIONS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC").trim()
            .split("\\s+")).stream().filter(option -> !option.isEmpty()).toList(),
        Path.of(env.getOrDefault("FAULTS_REPORT", "fault-suite/target/faults.md")).toAbsolutePath().normalize());
  }

  private static int integer(Map<String, String> env, String name, int fallback) {
    String value = env.get(name);
    return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
  }

  /** Durations as Spring writes them (6s, 4m, 500ms). */
  private static Duration duration(Map<String, String> env, String name, String fallback) {
    String value = env.getOrDefault(name, fallback).trim();
    return DurationStyle.SIMPLE.parse(value);
  }
}
