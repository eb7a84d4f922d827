/**
 * Argument validation at the library's boundary. Each rule is written once, as the text of what a value breaks
 * ('must lie in (0, 1), got -1'), and serves two ways: the helpers below throw it naming the function and the field,
 * so a bad input fails where it enters with a message that says what to fix; and `settings` turns rules into the
 * schema of a configuration (a learner's, the optimiser's, a run's), the one definition its type, its checks and the
 * command line's `--set` parsing all come from.
 */
import { z } from 'zod';

/** A rule a value must keep: null when it keeps it, else what it breaks ('must lie in (0, 1), got -1'). */
export type Rule = (value: unknown) => string | null;

const isNumber = (v: unknown): v is number => typeof v === 'number' && !Number.isNaN(v);

/** The rules, by the text they give. */
export const rules = {
  finite(v: unknown): string | null {
    return typeof v === 'number' && Number.isFinite(v) ? null : `must be a finite number, got ${String(v)}`;
  },
  boolean(v: unknown): string | null {
    return typeof v === 'boolean' ? null : `must be a boolean, got ${String(v)}`;
  },
  probability(v: unknown): string | null {
    return isNumber(v) && v >= 0 && v <= 1 ? null : `must be a probability in [0, 1], got ${String(v)}`;
  },
  /** An integer in [min, max]. */
  integer(min = -Infinity, max = Infinity): Rule {
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`;
    return (v) => (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? null : `must be an integer ${range}, got ${String(v)}`);
  },
  /** A finite number in [min, max], or in (min, max) when `open`. */
  inRange(min: number, max: number, open = false): Rule {
    const range = open ? `(${min}, ${max})` : `[${min}, ${max}]`;
    return (v) => {
      if (!isNumber(v) || !Number.isFinite(v)) return rules.finite(v);
      return (open ? v > min && v < max : v >= min && v <= max) ? null : `must lie in ${range}, got ${v}`;
    };
  },
  /** A number in [min, max), e.g. a moment's decay. */
  halfOpen(min: number, max: number): Rule {
    return (v) => (isNumber(v) && v >= min && v < max ? null : `must lie in [${min}, ${max}), got ${String(v)}`);
  },
  /** A number above `bound`, Infinity included; `note` says what a special value means. */
  above(bound: number, note = ''): Rule {
    return (v) => (isNumber(v) && v > bound ? null : `must be > ${bound}${note}, got ${String(v)}`);
  },
  /** A finite number of at least `bound`. */
  atLeast(bound: number): Rule {
    return (v) => (isNumber(v) && Number.isFinite(v) && v >= bound ? null : `must be >= ${bound}, got ${String(v)}`);
  },
  /** One of `values`. */
  oneOf(values: readonly string[]): Rule {
    return (v) => (values.includes(v as string) ? null : `must be one of ${values.join(', ')}, got '${String(v)}'`);
  },
};

/** Throws what `value` breaks of `rule` as `<where>: <field> <rule text>`. */
function enforce<T>(rule: Rule, where: string, field: string, value: unknown, error: new (m: string) => Error = RangeError): T {
  const broken = rule(value);
  if (broken !== null) throw new error(`${where}: ${field} ${broken}`);
  return value as T;
}

/** A finite number, else a RangeError naming `where` and `field`. */
export function finite(where: string, field: string, value: unknown): number {
  return enforce(rules.finite, where, field, value);
}

/** A boolean, else a TypeError naming `where` and `field`. */
export function boolean(where: string, field: string, value: unknown): boolean {
  return enforce(rules.boolean, where, field, value, TypeError);
}

/** A probability in [0, 1] (NaN is rejected). */
export function probability(where: string, field: string, value: unknown): number {
  return enforce(rules.probability, where, field, value);
}

/** An integer in [min, max]. */
export function integer(where: string, field: string, value: unknown, min = -Infinity, max = Infinity): number {
  return enforce(rules.integer(min, max), where, field, value);
}

/** A number in the open or closed interval given. */
export function inRange(where: string, field: string, value: unknown, min: number, max: number, open = false): number {
  return enforce(rules.inRange(min, max, open), where, field, value);
}

// ---------------------------------------------------------------------------------------------------------------
// Configurations as schemas: one field per setting, each with its rules; the type is inferred from it.
// ---------------------------------------------------------------------------------------------------------------

/** How a setting is read from `--set name=value` text: as a number, a boolean (`true`/`false`) or as it is. */
type Text = 'number' | 'boolean' | 'string';

function fromText(kind: Text, raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  if (kind === 'number' && raw.trim() !== '' && !Number.isNaN(Number(raw))) return Number(raw);
  if (kind === 'boolean' && (raw === 'true' || raw === 'false')) return raw === 'true';
  return raw;
}

/** One setting: a value of type T that keeps every rule, read from text as `kind` says. */
function setting<T>(kind: Text, ...checks: Rule[]) {
  return z.unknown().transform((raw, ctx): T => {
    const value = fromText(kind, raw);
    for (const check of checks) {
      const broken = check(value);
      if (broken !== null) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: broken });
        return z.NEVER;
      }
    }
    return value as T;
  });
}

/** The field kinds of a configuration schema. */
export const field = {
  number: (...checks: Rule[]) => setting<number>('number', ...checks),
  boolean: () => setting<boolean>('boolean', rules.boolean),
  oneOf: <V extends string>(values: readonly V[]) => setting<V>('string', rules.oneOf(values)),
  /** A list of numbers, given on the command line as `a,b,c`. */
  numbers: (...checks: Rule[]) =>
    z.unknown().transform((raw, ctx): number[] => {
      const list = typeof raw === 'string' ? raw.split(',').map((s) => fromText('number', s)) : raw;
      if (!Array.isArray(list)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be a list of numbers, got ${String(raw)}` });
        return z.NEVER;
      }
      for (const v of list) {
        const broken = checks.map((c) => c(v)).find((b) => b !== null);
        if (broken) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: `each entry ${broken}` });
          return z.NEVER;
        }
      }
      return list as number[];
    }),
};

/** A configuration's schema: its fields' rules and the rules across fields, and what it reads and checks. */
export interface Settings<T> {
  /** The setting names, in declaration order (for `--help` and error messages). */
  readonly names: readonly string[];
  /**
   * `value` as a configuration: every field checked by its rules (text read as the field's kind, for `--set`), then
   * the rules across fields; unknown names are refused. Errors name `where`, each field, its rule and its value.
   */
  parse(where: string, value: unknown): T;
}

/** The configuration of `shape`; `across` returns what a combination of valid fields breaks, or null. */
export function settings<S extends z.ZodRawShape>(shape: S, across: (c: z.output<z.ZodObject<S>>) => string | null = () => null): Settings<Readonly<z.output<z.ZodObject<S>>>> {
  const schema = z.object(shape).strict();
  return {
    names: Object.keys(shape),
    parse(where: string, value: unknown) {
      const r = schema.safeParse(value);
      if (!r.success) throw new RangeError(`${where}: ${r.error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')} ${i.message}` : i.message)).join('; ')}`);
      const broken = across(r.data);
      if (broken !== null) throw new RangeError(`${where}: ${broken}`);
      return r.data;
    },
  };
}
