/** Why a `conversation.txt` could not be read, as data; its wording lives in `errorText.ts`. */

/** The ways a transcript can be malformed. */
export type TranscriptProblem =
  /** An `Answer:` header with no `Question:` header before it. */
  | 'answer-without-question'
  /** A line where a `[YYYY-MM-DD HH:MM:SS] Question:` header must start the next turn. */
  | 'expected-question'
  /** A `Question:` header with no `Answer:` header after it. */
  | 'question-without-answer'
  /** A `[Reasoning]` line never closed by `[/Reasoning]`. */
  | 'reasoning-unclosed'

/** Thrown by `parseTranscript` for malformed input. */
export class TranscriptError extends Error {
  /** 1-based line of the problem. */
  readonly line: number
  readonly problem: TranscriptProblem

  constructor(line: number, problem: TranscriptProblem, message: string) {
    super(message)
    this.name = 'TranscriptError'
    this.line = line
    this.problem = problem
  }
}
