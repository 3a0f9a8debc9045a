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
  /**
   * The rule enforces the machine's signature policy: its `enforced` reports keep the severity the policy gives
   * them, whatever rule settings say (`dockerfileTrust.rules` can come from a cloned repository's
   * .vscode/settings.json or .dockerfile-trust.yaml), so the rule runs even when set "off"; its other reports
   * follow the settings as usual. Change the policy entry (machine-scoped) to change an enforced finding.
   */
  readonly enforcesPolicy?: true;
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
   * `# dockerfile-trust ignore=` comment in the Dockerfile cannot silence it, nor rule settings turn it off or change
   * its severity (only rules marked `enforcesPolicy` may set it), or a pull request could waive the policy.
   */
  readonly enforced?: boolean;
}

/** Project settings some rules read (from `.dockerfile-trust.yaml` or the editor's settings); plain data. */
export interface RuleConfig {
  /** Registries images may come from, canonical (`core/registryHost.ts`); null = any registry. */
  readonly allowedRegistries: readonly string[] | null;
}

export const DEFAULT_RULE_CONFIG: RuleConfig = { allowedRegistries: null };

export interface RuleContext {
  readonly model: DockerfileModel;
  /** Registry and trust facts known so far (empty during the syntactic phase). */
  readonly facts: Facts;
  readonly config: RuleConfig;
  report(r: Report): void;
}

export interface Rule extends RuleMeta {
  check(ctx: RuleContext): void;
}

export type { Finding };
