// The one trivial handler every server under test answers with, so the rows differ by auth only.
export async function benchHandler (): Promise<{ hello: string }> {
  return { hello: 'world' }
}
