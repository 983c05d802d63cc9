/**
 * Prints the `--search-attribute Name=Type` arguments for `temporal server start-dev`, one per line, from the
 * contract's keys in workflows/search-attributes.ts, so scripts/dev.sh never keeps its own copy of the list.
 */
import type { SearchAttributeType } from '@temporalio/common';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes';
import { UPGRADE_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';

/** The Temporal CLI spells the types differently from the SDK's constants. */
const CLI_TYPE_NAMES: Record<SearchAttributeType, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

export function devServerSearchAttributeArgs(keys: readonly SearchAttributeKey<SearchAttributeType>[]): string[] {
  return keys.flatMap((key) => ['--search-attribute', `${key.name}=${CLI_TYPE_NAMES[key.type]}`]);
}

if (require.main === module) {
  process.stdout.write(devServerSearchAttributeArgs(UPGRADE_SEARCH_ATTRIBUTES).join('\n') + '\n');
}
