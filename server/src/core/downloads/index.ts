// Entry point of the download analysis: one analysis per model, shared by the download rules.
import type { DockerfileModel } from '../model';
import { runAnalysis } from './analyze';
import type { DownloadAnalysis } from './types';

export type { AptSource, Download, DownloadAnalysis, InsecureUse, KeyProblem } from './types';

const cache = new WeakMap<DockerfileModel, DownloadAnalysis>();

/**
 * Every fetch in the Dockerfile, followed to its verification or use, plus insecure-transport flags,
 * key problems and apt sources. Pure, synchronous, never throws; linear in the text for hostile input.
 * Results are cached per model object (the seven download rules share one analysis).
 */
export function analyzeDownloads(model: DockerfileModel): DownloadAnalysis {
  const hit = cache.get(model);
  if (hit !== undefined) return hit;
  let result: DownloadAnalysis;
  try {
    result = runAnalysis(model);
  } catch (err) {
    result = { downloads: [], insecure: [], keyProblems: [], aptSources: [], parseErrors: new Map([[0, [`internal: ${err instanceof Error ? err.message : String(err)}`]]]) };
  }
  cache.set(model, result);
  return result;
}
