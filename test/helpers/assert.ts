// Assertions on coded errors: the class and the `code`, never the message text alone.

/** The few assertion methods these helpers need; tap's `t` has them all. */
export interface Asserts {
  ok: (...args: any[]) => boolean
  equal: (...args: any[]) => boolean
  fail: (...args: any[]) => boolean
}

type ErrorClass<E> = abstract new (...args: any[]) => E

function check<E> (t: Asserts, err: unknown, Class: ErrorClass<E>, code: string | undefined, label: string): E {
  t.ok(err instanceof Class, `${label}: throws ${Class.name} (got ${(err as Error)?.constructor?.name ?? String(err)}: ${(err as Error)?.message})`)
  if (code !== undefined) t.equal((err as { code?: unknown }).code, code, `${label}: code is ${code}`)
  return err as E
}

/** Awaits `action`, which must reject with an instance of `Class` carrying `code`; returns the error. */
export async function rejectsWith<E> (
  t: Asserts,
  action: Promise<unknown> | (() => Promise<unknown>),
  Class: ErrorClass<E>,
  code?: string,
  label = 'rejects'
): Promise<E> {
  try {
    await (typeof action === 'function' ? action() : action)
  } catch (err) {
    return check(t, err, Class, code, label)
  }
  t.fail(`${label}: expected ${Class.name}${code === undefined ? '' : ` (${code})`}, but it resolved`)
  throw new Error(`${label}: did not reject`)
}

/** Calls `fn`, which must throw an instance of `Class` carrying `code`; returns the error. */
export function throwsWith<E> (t: Asserts, fn: () => unknown, Class: ErrorClass<E>, code?: string, label = 'throws'): E {
  try {
    fn()
  } catch (err) {
    return check(t, err, Class, code, label)
  }
  t.fail(`${label}: expected ${Class.name}${code === undefined ? '' : ` (${code})`}, but it returned`)
  throw new Error(`${label}: did not throw`)
}
