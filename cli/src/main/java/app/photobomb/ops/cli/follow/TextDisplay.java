package app.photobomb.ops.cli.follow;

import app.photobomb.ops.cli.DurationConverter;
import app.photobomb.ops.common.messaging.CloudEventHeaders;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * For a person: one line per event, and on an interactive terminal a progress bar (photos exported, jobs ended,
 * saga steps) that the progress events move instead of their lines; the terminal event's words are the result.
 */
final class TextDisplay implements Display {

  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean interactive;
  private ProgressBar bar;

  TextDisplay(PrintWriter out, PrintWriter err, boolean interactive) {
    this.out = out;
    this.err = err;
    this.interactive = interactive;
  }

  @Override
  public void published(Request request, String topic, Map<String, String> headers, String json) {
    out.println("sent " + request.type().name() + " to " + topic + " (key " + request.key() + "), correlation id "
        + headers.get(CloudEventHeaders.ID));
    out.flush();
  }

  @Override
  public void heard(HeardEvent event) {
    Answer answer = event.answer();
    if (interactive && answer.progress() != null && !answer.ends()) {
      move(answer.progress());
      return;
    }
    close();
    out.println(answer.ends() ? answer.words() : "  " + answer.words());
    out.flush();
  }

  @Override
  public void notFollowed(String correlationId) {
    out.println("not waiting (--no-wait); follow it by correlation id " + correlationId);
    out.flush();
  }

  @Override
  public void timedOut(Duration wait, String correlationId) {
    close();
    err.println("no terminal event within " + DurationConverter.format(wait)
        + " (--wait); the services may still be working: correlation id " + correlationId);
    err.flush();
  }

  private void move(Answer.Progress progress) {
    if (bar == null) {
      bar = new ProgressBarBuilder().setTaskName(progress.unit()).setInitialMax(progress.total()).build();
    }
    bar.maxHint(progress.total());
    bar.stepTo(progress.done());
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
