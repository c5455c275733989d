/** @internal Quotes a filter value as a Go string literal, which containerd's filter parser accepts. */
export function quoteFilterValue(value: string): string {
  return JSON.stringify(value);
}

/**
 * @internal Scopes filters to one namespace. Events.Subscribe ignores the namespace header and
 * streams every namespace; `,` is AND and separate filters are OR, so each one gets the clause.
 */
export function scopeFilters(namespace: string, filters: readonly string[]): string[] {
  const clause = `namespace==${quoteFilterValue(namespace)}`;
  return filters.length === 0 ? [clause] : filters.map((f) => `${clause},${f}`);
}
