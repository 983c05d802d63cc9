/**
 * Artifacts (plans, reports, change requests) are markdown written by activities from project data, so their text
 * is untrusted. markdown-it with `html: false` escapes any raw HTML in the source, its link validator refuses
 * `javascript:`, `vbscript:`, `file:` and `data:` URLs, and tables render as tables. Links open as plain links;
 * images are dropped (the CSP would block remote ones anyway, and a plan has none).
 */
import MarkdownIt from 'markdown-it';
import { trustedHtml, type SafeHtml } from './html';

const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
md.disable(['image']);
const defaultLink = md.renderer.rules.link_open;
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx]!.attrSet('rel', 'noopener noreferrer nofollow');
  return defaultLink ? defaultLink(tokens, idx, options, env, self) : self.renderToken(tokens, idx, options);
};
// Tables scroll sideways on a phone instead of widening the page.
md.renderer.rules.table_open = () => '<div class="table"><table>\n';
md.renderer.rules.table_close = () => '</table></div>\n';

export function renderMarkdown(source: string): SafeHtml {
  return trustedHtml(md.render(source));
}
