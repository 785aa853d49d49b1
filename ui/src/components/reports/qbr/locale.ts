// uPlot makes a number format for `navigator.language` while its module loads, and that throws
// where the language is no BCP 47 tag: WebKitGTK under LANG=C (a bare session, a CI box) reports
// "C", and the chart module would then never load. For the load only, the language reads as the
// one Intl itself falls back to; the page's own formats pass no language and never read it.

/** Whether `tag` is a language tag Intl accepts. */
export function validLocale(tag: string): boolean {
  try {
    new Intl.NumberFormat(tag);
    return true;
  } catch {
    return false;
  }
}

/** Runs `load` with `nav.language` readable as a valid tag, then gives `nav` its own back. */
export async function withValidLanguage<T>(nav: { readonly language: string }, load: () => Promise<T>): Promise<T> {
  if (validLocale(nav.language)) return load();
  const fallback = new Intl.NumberFormat().resolvedOptions().locale;
  // An own property shadows the prototype's getter; deleting it uncovers the getter again.
  Object.defineProperty(nav, "language", { value: fallback, configurable: true });
  try {
    return await load();
  } finally {
    Reflect.deleteProperty(nav, "language");
  }
}
