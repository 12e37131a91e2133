package app.photobomb.ops.testsupport.google;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a fake was asked (method and a request summary, never a payload) and the faults queued for its next calls;
 * every RPC of a fake goes through {@link #answer} so that both apply the same way to all methods.
 */
public final class CallJournal {

  /** One call as the fake received it: the gRPC method's short name ({@code UpdateService}) and what it named. */
  public record Call(String method, String summary) {}

  private final List<Call> calls = new ArrayList<>();
  private final Map<String, Deque<Status>> faults = new HashMap<>();

  /** The next {@code times} calls of {@code method} fail with {@code status} before touching any state. */
  public synchronized void failNextCalls(String method, Status status, int times) {
    Deque<Status> queue = faults.computeIfAbsent(method, m -> new ArrayDeque<>());
    for (int i = 0; i < times; i++) {
      queue.add(status);
    }
  }

  /** Every call so far, oldest first, failed ones included. */
  public synchronized List<Call> calls() {
    return List.copyOf(calls);
  }

  /** The calls of one method, oldest first. */
  public synchronized List<Call> calls(String method) {
    return calls.stream().filter(call -> call.method().equals(method)).toList();
  }

  /** Records the call, then answers with the queued fault, the action's result or the status the action threw. */
  <T> void answer(String method, String summary, StreamObserver<T> observer, Supplier<T> action) {
    Status fault = record(method, summary);
    if (fault != null) {
      observer.onError(fault.asRuntimeException());
      return;
    }
    T response;
    try {
      response = action.get();
    } catch (StatusRuntimeException e) {
      observer.onError(e);
      return;
    }
    observer.onNext(response);
    observer.onCompleted();
  }

  private synchronized Status record(String method, String summary) {
    calls.add(new Call(method, summary));
    Deque<Status> queue = faults.get(method);
    return queue == null ? null : queue.poll();
  }

  static StatusRuntimeException error(Status status, String message) {
    return status.withDescription(message).asRuntimeException();
  }
}
