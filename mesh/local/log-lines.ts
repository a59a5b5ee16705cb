/**
 * Turns the services' JSON log lines into one readable line each for the terminal:
 * `12:00:01 catalog   info  book registered  correlationId=42`.
 */
const colors = [36, 35, 33, 32, 34, 91, 96, 95];
const quiet = new Set(['level', 'time', 'msg', 'service', 'pid', 'hostname']);

export function formatLogLine(label: string, line: string, index: number, color: boolean): string {
  const tag = label.padEnd(10);
  const paint = (text: string): string => (color ? `\x1b[${colors[index % colors.length] ?? 37}m${text}\x1b[0m` : text);
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return `${paint(tag)} ${line}`;
  }
  if (typeof record !== 'object' || record === null) return `${paint(tag)} ${line}`;
  const fields = record as Record<string, unknown>;
  const time = typeof fields.time === 'string' ? fields.time.slice(11, 19) : '';
  const level = typeof fields.level === 'string' ? fields.level.padEnd(5) : '';
  const msg = typeof fields.msg === 'string' ? fields.msg : '';
  const rest = Object.entries(fields)
    .filter(([key]) => !quiet.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return `${time} ${paint(tag)} ${level} ${msg}${rest === '' ? '' : `  ${rest}`}`;
}
