// One entry of a language's examples menu. Data only, like the rest of the catalogue.

export interface Example {
  /** Unique within its language; the menu's option value. */
  id: string;
  title: string;
  code: string;
  /** Replaces the stdin box when set, so the stdin example has something to read. */
  stdin?: string;
}

/** The menu entry of a language's sum program, for the languages that have no other examples. */
export function sumExample(name: string, code: string): Example {
  return { id: 'default', title: `${name}: sum example`, code };
}
