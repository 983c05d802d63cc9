/**
 * The PHP version of a cloud application lives in `.magento.app.yaml` as `type: php:<version>` (facts §2). We edit
 * that one line instead of re-serialising the document, so comments, quoting and layout stay exactly as the
 * partner wrote them; the YAML parser then confirms that the result says what we meant.
 */
import { ApplicationFailure } from '@temporalio/common';
import { parseDocument } from 'yaml';

const TYPE_LINE = /^type:([ \t]*)(['"]?)php:([0-9.]+)\2([ \t]*(?:#.*)?)$/m;

export function readPhpType(appYamlText: string): string | undefined {
  const doc = parseDocument(appYamlText);
  if (doc.errors.length) {
    throw ApplicationFailure.nonRetryable(`.magento.app.yaml is not valid YAML: ${doc.errors[0]?.message ?? 'parse error'}`, 'InvalidYaml');
  }
  const type = doc.get('type');
  const match = typeof type === 'string' ? /^php:([0-9.]+)$/.exec(type) : null;
  return match?.[1];
}

export function setPhpType(appYamlText: string, php: string): { text: string; changed: boolean; before?: string } {
  if (!/^\d+\.\d+$/.test(php)) throw ApplicationFailure.nonRetryable(`"${php}" is not a PHP version such as "8.3".`, 'InvalidPhpVersion');
  const before = readPhpType(appYamlText);
  if (before === undefined || !TYPE_LINE.test(appYamlText)) {
    throw ApplicationFailure.nonRetryable(
      '.magento.app.yaml has no top-level "type: php:<version>" line; add one (e.g. "type: php:8.3") and retry.',
      'InvalidAppYaml',
    );
  }
  if (before === php) return { text: appYamlText, changed: false, before };
  const text = appYamlText.replace(TYPE_LINE, (_line, space: string, quote: string, _old: string, tail: string) => `type:${space}${quote}php:${php}${quote}${tail}`);
  if (readPhpType(text) !== php) throw new Error(`editing .magento.app.yaml did not set php:${php}`);
  return { text, changed: true, before };
}
