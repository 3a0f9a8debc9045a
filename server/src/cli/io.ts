// What the CLI talks to: the working directory and the output streams (the tests and the Action give their own).
import type { FileResult, RunInfo } from './format';

export interface Io {
  readonly cwd: string;
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  readonly isTTY: boolean;
  /** Receives the results before they are printed (the GitHub Action renders more than one format from them). */
  readonly onResults?: (results: readonly FileResult[], info: RunInfo) => void;
}
