// The shape of a rule: metadata plus a pure check over the model.
import type { DockerfileModel } from './model';
import type { Finding, FixData, Fix, Range, RuleCategory, Severity } from './types';
import type { Facts } from './facts';

export interface RuleMeta {
  /** kebab-case id, same as the file name and the docs page. */
  readonly id: string;
  /** Short stable code shown in the Problems panel. */
  readonly code: string;
  readonly category: RuleCategory;
  readonly defaultSeverity: Severity;
  /** One line for lists, SARIF and the settings UI. */
  readonly description: string;
  /** safe: the fix cannot change what gets built in an unintended way; none: no fix. */
  readonly fix: 'safe' | 'unsafe' | 'none';
  /** syntax: runs on every keystroke from the text alone; facts: needs registry/trust facts. */
  readonly phase: 'syntax' | 'facts';
  /**
   * stage: what the rule reports about a stage depends only on that stage (its instructions, images and
   * their lines), the global ARGs and the directives, never on other stages or on comments (suppressions
   * are applied by the engine). The engine then runs it one stage at a time and, while typing, reuses
   * the reports of stages that did not change. Default (absent): the whole model on every run.
   */
  readonly locality?: 'stage';
}

export interface Report {
  readonly range: Range;
  /** First line of the instruction the finding is about (suppression comments sit above it). */
  readonly anchorLine: number;
  readonly message: string;
  readonly data?: FixData;
  readonly fixes?: readonly Fix[];
  /** Overrides the rule's default severity for this finding (e.g. an expired signature is worse). */
  readonly severity?: Severity;
  /**
   * The finding enforces a required entry of the signature policy (machine-scoped, not the repository's): a
   * `# dockerfile-trust ignore=` comment in the Dockerfile cannot silence it, or a pull request could waive the policy.
   */
  readonly enforced?: boolean;
}

export interface RuleContext {
  readonly model: DockerfileModel;
  /** Registry and trust facts known so far (empty during the syntactic phase). */
  readonly facts: Facts;
  report(r: Report): void;
}

export interface Rule extends RuleMeta {
  check(ctx: RuleContext): void;
}

export type { Finding };
