/**
 * Edits of hlmon.yml's YAML document for the targets and checks CRUD routes. Each function changes the
 * document in place or throws an ApiError saying why it cannot (unknown job, duplicate name).
 */
import { isMap, isSeq, YAMLMap, YAMLSeq, type Document } from 'yaml';
import { ApiError, notFound } from '../errors.js';

function seqAt(doc: Document, key: string): YAMLSeq {
  let seq = doc.get(key);
  if (seq === undefined || seq === null) {
    seq = doc.createNode([]);
    doc.set(key, seq);
  }
  if (!isSeq(seq)) throw new ApiError(409, 'config_shape', `${key} in the config is not a list`);
  return seq;
}

function mapsOf(seq: YAMLSeq): YAMLMap[] {
  return seq.items.filter((i): i is YAMLMap => isMap(i));
}

/** Adds a static target to a job, creating the job (with defaults) when it does not exist. */
export function addStaticTarget(doc: Document, job: string, target: string, labels: Record<string, string>): void {
  const jobs = seqAt(doc, 'scrape_configs');
  let cfg = mapsOf(jobs).find((m) => m.get('job_name') === job);
  if (!cfg) {
    jobs.add(doc.createNode({ job_name: job, static_configs: [] }));
    cfg = mapsOf(jobs).at(-1)!;
  }
  for (const g of staticGroups(cfg)) {
    const t = g.get('targets');
    if (isSeq(t) && t.items.some((x) => String((x as { value?: unknown }).value ?? x) === target)) {
      throw new ApiError(409, 'conflict', `job ${job} already has target ${target}`, { field: 'body.target' });
    }
  }
  let groups = cfg.get('static_configs');
  if (groups === undefined || groups === null) {
    cfg.set('static_configs', doc.createNode([]));
    groups = cfg.get('static_configs');
  }
  if (!isSeq(groups)) throw new ApiError(409, 'config_shape', `static_configs of job ${job} is not a list`);
  groups.add(doc.createNode(Object.keys(labels).length > 0 ? { targets: [target], labels } : { targets: [target] }));
}

function staticGroups(cfg: YAMLMap): YAMLMap[] {
  const groups = cfg.get('static_configs');
  return isSeq(groups) ? mapsOf(groups) : [];
}

/** Removes a static target from a job; a group left empty goes too. 404 when it is not a static target. */
export function removeStaticTarget(doc: Document, job: string, target: string): void {
  const jobs = seqAt(doc, 'scrape_configs');
  const cfg = mapsOf(jobs).find((m) => m.get('job_name') === job);
  if (!cfg) throw notFound(`no job ${job}`);
  const groups = cfg.get('static_configs');
  if (isSeq(groups)) {
    for (const g of mapsOf(groups)) {
      const t = g.get('targets');
      if (!isSeq(t)) continue;
      const i = t.items.findIndex((x) => String((x as { value?: unknown }).value ?? x) === target);
      if (i < 0) continue;
      t.items.splice(i, 1);
      if (t.items.length === 0) groups.items.splice(groups.items.indexOf(g), 1);
      return;
    }
  }
  throw notFound(`job ${job} has no static target ${target} (targets from file_sd are managed in their files)`);
}

/** Adds a check (`raw` in hlmon.yml's snake_case form); 409 when the name is taken. */
export function addCheck(doc: Document, raw: Record<string, unknown>): void {
  const checks = seqAt(doc, 'checks');
  if (mapsOf(checks).some((m) => m.get('name') === raw['name'])) {
    throw new ApiError(409, 'conflict', `a check named ${String(raw['name'])} exists`, { field: 'body.name' });
  }
  checks.add(doc.createNode(raw));
}

/** Sets fields of a check (null removes one); 404 when there is no such check. */
export function updateCheck(doc: Document, name: string, set: Record<string, unknown>): void {
  const check = mapsOf(seqAt(doc, 'checks')).find((m) => m.get('name') === name);
  if (!check) throw notFound(`no check ${name}`);
  for (const [k, v] of Object.entries(set)) {
    if (v === null) check.delete(k);
    else if (v !== undefined) check.set(k, doc.createNode(v));
  }
}

/** Removes a check; 404 when there is no such check. */
export function removeCheck(doc: Document, name: string): void {
  const checks = seqAt(doc, 'checks');
  const i = checks.items.findIndex((m) => isMap(m) && m.get('name') === name);
  if (i < 0) throw notFound(`no check ${name}`);
  checks.items.splice(i, 1);
}
