/** `<input type="datetime-local">` values in the browser's zone, to and from unix seconds. */
export function fromLocalInput(value: string): number | undefined {
  const at = value ? new Date(value).getTime() : NaN;
  return Number.isNaN(at) ? undefined : Math.floor(at / 1000);
}

export function toLocalInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
