// One helper builds every configuration section: pick the section's variables from the environment,
// validate them with the section's zod schema, run the checks across variables, build the typed
// section. Problems are returned (not thrown) so that loadConfig can report every one together.
import { z } from 'zod';
import { ConfigError } from './parse';

export type Environment = Readonly<Record<string, string | undefined>>;

export type SectionResult<T> = { ok: true; value: T } | { ok: false; problems: string[] };

export interface ConfigSection<T> {
  /** every variable the section reads (the README's configuration table lists them all) */
  readonly variables: readonly string[];
  /** the section, or its problems, each "VARIABLE: message" */
  read(env: Environment): SectionResult<T>;
  /** the section alone; a ConfigError naming every problem otherwise */
  load(env: Environment): T;
}

export function configSection<S extends z.ZodObject, T>(spec: {
  schema: S;
  /**
   * A blank variable counts as unset (compose files and .env templates leave them blank). Default
   * true; the core section keeps its original reading, where a blank value is a value.
   */
  blankIsUnset?: boolean;
  /** checks across variables, run once each variable is valid; each problem "VARIABLE: message" */
  check?: (e: z.output<S>) => string[];
  /** the typed section; may throw a ConfigError (e.g. a certificate file that cannot be read) */
  build: (e: z.output<S>) => T;
}): ConfigSection<T> {
  const variables = Object.keys(spec.schema.shape);
  const blankIsUnset = spec.blankIsUnset ?? true;
  const read = (env: Environment): SectionResult<T> => {
    const source = Object.fromEntries(variables.filter((k) => env[k] !== undefined && !(blankIsUnset && env[k] === '')).map((k) => [k, env[k]]));
    const parsed = spec.schema.safeParse(source);
    // zod's messages never echo the value, so a malformed secret does not reach the log
    if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
    const problems = spec.check?.(parsed.data) ?? [];
    if (problems.length > 0) return { ok: false, problems };
    try {
      return { ok: true, value: spec.build(parsed.data) };
    } catch (err) {
      if (err instanceof ConfigError) return { ok: false, problems: err.problems };
      throw err;
    }
  };
  return {
    variables,
    read,
    load(env) {
      const result = read(env);
      if (!result.ok) throw ConfigError.of(result.problems);
      return result.value;
    },
  };
}

/** Several sections at once: every value, or one ConfigError naming the problems of them all. */
export function readSections<R extends Record<string, ConfigSection<unknown>>>(
  sections: R,
  env: Environment,
): { [K in keyof R]: R[K] extends ConfigSection<infer T> ? T : never } {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [key, section] of Object.entries(sections)) {
    const result = section.read(env);
    if (result.ok) values[key] = result.value;
    else problems.push(...result.problems);
  }
  if (problems.length > 0) throw ConfigError.of(problems);
  return values as { [K in keyof R]: R[K] extends ConfigSection<infer T> ? T : never };
}
