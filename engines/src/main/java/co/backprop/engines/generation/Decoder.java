package co.backprop.engines.generation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Generates for a micro-batch of prompts in one model session: every request's rows (its
 * generations, or its beams) advance together one token per step, and rows whose sequence is
 * finished drop out of the session, so the batch only shrinks. Greedy decoding, sampling and beam
 * search can mix in one batch: each request follows its own parameters.
 */
public final class Decoder {
  /** One request: its prompt and parameters. */
  public record Job(long[] prompt, DecodingParameters parameters) {}

  private Decoder() {}

  /** The generated tokens of each job: {@code numGenerations} sequences, best first for beams. */
  public static List<List<long[]>> generate(LanguageModel model, List<Job> jobs) {
    List<Request> requests = new ArrayList<>();
    List<long[]> prompts = new ArrayList<>();
    for (Job job : jobs) {
      Request request =
          job.parameters().beamSearch()
              ? new BeamRequest(job, model.eosToken())
              : new SampledRequest(job, model.eosToken());
      requests.add(request);
      for (int i = 0; i < request.rows(); i++) {
        prompts.add(job.prompt());
      }
    }
    try (LanguageModel.Session session = model.start(prompts)) {
      while (true) {
        float[][] logits = session.logits();
        List<Integer> parents = new ArrayList<>();
        List<Long> tokens = new ArrayList<>();
        int row = 0;
        for (Request request : requests) {
          int rows = request.rows();
          if (rows > 0) {
            float[][] own = Arrays.copyOfRange(logits, row, row + rows);
            for (Request.Next next : request.step(own)) {
              parents.add(row + next.parent());
              tokens.add(next.token());
            }
            row += rows;
          }
        }
        if (parents.isEmpty()) {
          break;
        }
        session.select(parents.stream().mapToInt(Integer::intValue).toArray());
        session.append(tokens.stream().mapToLong(Long::longValue).toArray());
      }
    }
    return requests.stream().map(Request::results).toList();
  }

  /** One request's decoding state across steps. */
  private abstract static class Request {
    /** A row of the next step: which current row it extends, with which token. */
    record Next(int parent, long token) {}

    final Job job;
    final int eos;

    Request(Job job, int eos) {
      this.job = job;
      this.eos = eos;
    }

    /** Rows this request has in the session now. */
    abstract int rows();

    /** Chooses the next tokens from the logits of this request's rows; its rows after the step. */
    abstract List<Next> step(float[][] logits);

    abstract List<long[]> results();

    static long[] concat(long[] a, List<Long> b) {
      long[] all = Arrays.copyOf(a, a.length + b.size());
      for (int i = 0; i < b.size(); i++) {
        all[a.length + i] = b.get(i);
      }
      return all;
    }
  }

  /** Greedy decoding or sampling: independent rows, each ending at its end-of-sequence token. */
  private static final class SampledRequest extends Request {
    private final List<List<Long>> generated = new ArrayList<>();
    private final List<Integer> active = new ArrayList<>();
    private final Random[] random;

    SampledRequest(Job job, int eos) {
      super(job, eos);
      int generations = job.parameters().numGenerations();
      random = new Random[generations];
      for (int i = 0; i < generations; i++) {
        generated.add(new ArrayList<>());
        active.add(i);
        // Each generation its own stream, from the seed alone: batching never changes a result.
        random[i] = new Random(job.parameters().seed() * 1_000_003L + i);
      }
    }

    @Override
    int rows() {
      return active.size();
    }

    @Override
    List<Next> step(float[][] logits) {
      DecodingParameters parameters = job.parameters();
      List<Next> next = new ArrayList<>();
      List<Integer> stillActive = new ArrayList<>();
      for (int r = 0; r < active.size(); r++) {
        int generation = active.get(r);
        List<Long> tokens = generated.get(generation);
        if (tokens.size() >= parameters.maxLength()) {
          continue;
        }
        long[] seen = concat(job.prompt(), tokens);
        int token =
            parameters.greedy()
                ? TokenChoice.greedy(logits[r], seen, tokens.size(), parameters, eos)
                : TokenChoice.sample(
                    TokenChoice.penalised(logits[r], seen, tokens.size(), parameters, eos),
                    parameters,
                    random[generation]);
        tokens.add((long) token);
        if (token != eos && tokens.size() < parameters.maxLength()) {
          next.add(new Next(r, token));
          stillActive.add(generation);
        }
      }
      active.clear();
      active.addAll(stillActive);
      return next;
    }

    @Override
    List<long[]> results() {
      return generated.stream().map(tokens -> withoutEos(tokens)).toList();
    }

    private long[] withoutEos(List<Long> tokens) {
      int length =
          !tokens.isEmpty() && tokens.get(tokens.size() - 1) == eos
              ? tokens.size() - 1
              : tokens.size();
      return tokens.subList(0, length).stream().mapToLong(Long::longValue).toArray();
    }
  }

  /**
   * Beam search: the {@code numBeams} best partial sequences by total log-probability. A beam that
   * ends becomes a hypothesis scored by log-probability / length^lengthPenalty; the search stops
   * when no running beam can beat the worst of {@code numBeams} hypotheses, or at max_length.
   */
  private static final class BeamRequest extends Request {
    private record Beam(List<Long> tokens, double logProbability) {}

    private record Hypothesis(long[] tokens, double score) {}

    private List<Beam> beams = new ArrayList<>();
    private final List<Hypothesis> finished = new ArrayList<>();
    private boolean done;

    BeamRequest(Job job, int eos) {
      super(job, eos);
      beams.add(new Beam(List.of(), 0));
      // All beams start as copies of the prompt; only the first is expanded on the first step.
      for (int i = 1; i < job.parameters().numBeams(); i++) {
        beams.add(new Beam(List.of(), Double.NEGATIVE_INFINITY));
      }
    }

    @Override
    int rows() {
      return done ? 0 : beams.size();
    }

    private double score(double logProbability, int length) {
      return logProbability / Math.pow(Math.max(length, 1), job.parameters().lengthPenalty());
    }

    @Override
    List<Next> step(float[][] logits) {
      DecodingParameters parameters = job.parameters();
      int width = parameters.numBeams();
      record Candidate(int parent, int token, double logProbability) {}
      List<Candidate> candidates = new ArrayList<>();
      for (int b = 0; b < beams.size(); b++) {
        Beam beam = beams.get(b);
        if (beam.logProbability() == Double.NEGATIVE_INFINITY) {
          continue;
        }
        double[] logProbabilities =
            TokenChoice.logSoftmax(
                TokenChoice.penalised(
                    logits[b],
                    concat(job.prompt(), beam.tokens()),
                    beam.tokens().size(),
                    parameters,
                    eos));
        for (int token = 0; token < logProbabilities.length; token++) {
          if (logProbabilities[token] > Double.NEGATIVE_INFINITY) {
            candidates.add(
                new Candidate(b, token, beam.logProbability() + logProbabilities[token]));
          }
        }
      }
      candidates.sort(
          Comparator.comparingDouble((Candidate c) -> -c.logProbability())
              .thenComparingInt(Candidate::token));
      List<Beam> nextBeams = new ArrayList<>();
      List<Next> next = new ArrayList<>();
      for (int rank = 0; rank < candidates.size() && nextBeams.size() < width; rank++) {
        Candidate candidate = candidates.get(rank);
        List<Long> tokens = new ArrayList<>(beams.get(candidate.parent()).tokens());
        tokens.add((long) candidate.token());
        if (candidate.token() == eos) {
          if (rank < width) {
            // The end token counts in the length, not in the text.
            finished.add(
                new Hypothesis(
                    concatTokens(tokens.subList(0, tokens.size() - 1)),
                    score(candidate.logProbability(), tokens.size())));
          }
          continue;
        }
        nextBeams.add(new Beam(tokens, candidate.logProbability()));
        next.add(new Next(candidate.parent(), candidate.token()));
      }
      beams = nextBeams;
      int length = beams.isEmpty() ? 0 : beams.get(0).tokens().size();
      if (beams.isEmpty() || length >= parameters.maxLength() || cannotImprove(width)) {
        for (Beam beam : beams) {
          finished.add(
              new Hypothesis(
                  concatTokens(beam.tokens()), score(beam.logProbability(), beam.tokens().size())));
        }
        done = true;
        return List.of();
      }
      return next;
    }

    /** Enough hypotheses, and the best running beam scores below the worst of them. */
    private boolean cannotImprove(int width) {
      if (finished.size() < width) {
        return false;
      }
      double worst =
          finished.stream()
              .sorted(Comparator.comparingDouble(h -> -h.score()))
              .limit(width)
              .mapToDouble(Hypothesis::score)
              .min()
              .orElse(Double.NEGATIVE_INFINITY);
      Beam best = beams.get(0);
      return score(best.logProbability(), best.tokens().size()) < worst;
    }

    private static long[] concatTokens(List<Long> tokens) {
      return tokens.stream().mapToLong(Long::longValue).toArray();
    }

    @Override
    List<long[]> results() {
      return finished.stream()
          .sorted(Comparator.comparingDouble((Hypothesis h) -> -h.score()))
          .limit(job.parameters().numGenerations())
          .map(Hypothesis::tokens)
          .toList();
    }
  }
}
