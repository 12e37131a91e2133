package app.photobomb.ops.thumbnail.jobs;

/** Thrown by a job's writes when the attempt must fail with a reason (rolls the finishing transaction back). */
public class JobFailure extends RuntimeException {

  public JobFailure(String reason) {
    super(reason);
  }
}
