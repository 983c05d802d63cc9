/** `raci [activity]`: the engagement RACI rows, owner / contributor / advisor per role. */
import type { RaciRow } from '../../workflows/raci';
import type { Style } from '../io';
import { renderTable } from './table';

const mark = (value: string | undefined) => value ?? '';

export function renderRaci(rows: readonly Readonly<RaciRow>[], style: Style): string {
  return renderTable(
    ['section', 'activity', 'customer', 'partner', 'managed-services'],
    rows.map((r) => [r.section, r.activity, mark(r.customer), mark(r.partner), mark(r['managed-services'])]),
    style,
  );
}
