import { parseUctReport, UCT_JSON_FORMAT } from '../../../activities/complexity/uct-report';
import { UCT_JSON_REPORT, UCT_TEXT_REPORT } from '../../support/git-fixtures';

// The CLI example from Adobe's reports page (OPS upgrade-compatibility-tool/reports.md), with colours as a terminal
// captures them.
const ADOBE_EXAMPLE = `\x1b[32mFile: /app/code/Custom/CatalogExtension/Controller/Index/Index.php\x1b[0m
------------------------------------------------------------------
 * [WARNING][1131] Line 10: Extending from class 'Magento\\Framework\\App\\Action\\Action' that is @deprecated on version '2.4.4'
 * \x1b[31m[ERROR][1328]\x1b[0m Line 10: Implemented interface 'Magento\\Framework\\App\\Action\\HttpGetActionInterface' that is non API on version '2.4.4'

 ----------------------------- -----------------
  Current version               2.4.1
  Target version                2.4.4
  Execution time                1m:8s
  Modules that require update   71.67% (43/60)
  Files that require update     18.05% (96/532)
  Total critical issues         24
  Total errors                  159
  Total warnings                53
  Memory peak usage             902.00 MB
 ----------------------------- -----------------
`;

describe('parseUctReport: CLI text', () => {
  test('reads issue lines with their file and the summary table', () => {
    const report = parseUctReport(ADOBE_EXAMPLE);
    expect(report.form).toBe('text');
    expect(report.issues).toEqual([
      {
        file: '/app/code/Custom/CatalogExtension/Controller/Index/Index.php',
        severity: 'warning',
        code: 1131,
        line: 10,
        message: "Extending from class 'Magento\\Framework\\App\\Action\\Action' that is @deprecated on version '2.4.4'",
      },
      {
        file: '/app/code/Custom/CatalogExtension/Controller/Index/Index.php',
        severity: 'error',
        code: 1328,
        line: 10,
        message: "Implemented interface 'Magento\\Framework\\App\\Action\\HttpGetActionInterface' that is non API on version '2.4.4'",
      },
    ]);
    // The summary's totals win over the two listed lines: the excerpt lists only part of the run.
    expect(report.counts).toEqual({ critical: 24, error: 159, warning: 53 });
    expect(report.modulesRequiringUpdate).toEqual({ percent: 71.67, count: 43, total: 60 });
    expect(report.filesRequiringUpdate).toEqual({ percent: 18.05, count: 96, total: 532 });
    expect(report).toMatchObject({ currentVersion: '2.4.1', targetVersion: '2.4.4', executionTime: '1m:8s', memoryPeakUsage: '902.00 MB' });
    expect(report.modules).toEqual(['Custom_CatalogExtension']);
  });

  test('without a summary, counts come from the issue lines', () => {
    const report = parseUctReport(
      " * [CRITICAL][1110] Line 4: Instantiating non-existent class 'X'\n * [ERROR][1429] Call non-API method\n",
    );
    expect(report.counts).toEqual({ critical: 1, error: 1, warning: 0 });
    expect(report.issues[1]).toEqual({ severity: 'error', code: 1429, message: 'Call non-API method' });
  });

  test('the fixture report and its JSON twin read the same', () => {
    const text = parseUctReport(UCT_TEXT_REPORT);
    const json = parseUctReport(UCT_JSON_REPORT);
    expect(json.form).toBe('json');
    expect(json.issues).toEqual(text.issues);
    expect(json.counts).toEqual(text.counts);
    expect(json.counts).toEqual({ critical: 1, error: 2, warning: 1 });
    expect(json.modules).toEqual(['Acme_Checkout', 'Acme_Erp']);
    expect(json.modulesRequiringUpdate).toEqual(text.modulesRequiringUpdate);
  });
});

describe('parseUctReport: unsupported forms', () => {
  test('text without issues or summary names the supported forms', () => {
    expect(() => parseUctReport('Everything is fine.\n')).toThrow(/no supported form.*CLI text output.*cuo-uct-report\/1/s);
  });

  test("JSON in any other shape (the tool's own undocumented schema) is refused, not guessed", () => {
    const guess = JSON.stringify({ summary: { critical: 1 }, modules: [] });
    expect(() => parseUctReport(guess)).toThrow(/not publicly documented.*Supported/s);
    expect(() => parseUctReport('{ "format": ')).toThrow(/does not parse/);
  });

  test('our JSON form with a bad field says where', () => {
    const bad = JSON.stringify({ format: UCT_JSON_FORMAT, issues: [{ severity: 'fatal', code: 1, message: 'x' }] });
    try {
      parseUctReport(bad);
      throw new Error('expected a failure');
    } catch (error) {
      expect(error).toMatchObject({ nonRetryable: true, type: 'UnsupportedUctReport' });
      expect((error as Error).message).toMatch(/invalid at issues\.0\.severity/);
    }
  });
});
