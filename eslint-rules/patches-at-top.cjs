/**
 * ESLint rule: `patched()` is asked only at the top of `upgradeProject`, before its first await.
 *
 * Why: on replay, the SDK core refuses a patch marker that follows a local activity's marker in the same workflow
 * task ("no corresponding change command"), as the worker restart test showed; and a patch asked in a helper or a
 * loop is asked a different number of times on replay. Keeping every patch in one place, before the first await,
 * also makes the table of patches in the README the whole truth.
 */
'use strict';

const WORKFLOW_FUNCTION = 'upgradeProject';

function isPatchedCall(node) {
  return (
    node.type === 'CallExpression' &&
    node.callee.type === 'Identifier' &&
    (node.callee.name === 'patched' || node.callee.name === 'deprecatePatch')
  );
}

/** Whether `node` contains an await (not inside a nested function, whose awaits run later). */
function containsAwait(node) {
  let found = false;
  const visit = (n) => {
    if (found || !n || typeof n.type !== 'string') return;
    if (n.type === 'AwaitExpression') {
      found = true;
      return;
    }
    if (n !== node && /Function/.test(n.type)) return;
    for (const key of Object.keys(n)) {
      if (key === 'parent') continue;
      const child = n[key];
      if (Array.isArray(child)) child.forEach(visit);
      else if (child && typeof child.type === 'string') visit(child);
    }
  };
  visit(node);
  return found;
}

module.exports = {
  meta: {
    type: 'problem',
    docs: { description: `patched() only in ${WORKFLOW_FUNCTION}, before its first await` },
    schema: [],
    messages: {
      outside: `patched() is asked only at the top of ${WORKFLOW_FUNCTION} (workflows/upgrade-project.ts), before its first await; pass the answer on.`,
      afterAwait: `patched() after an await: ask every patch before the first await of ${WORKFLOW_FUNCTION}.`,
    },
  },
  create(context) {
    return {
      CallExpression(node) {
        if (!isPatchedCall(node)) return;
        // The function the call is directly in, and the statement of that function's body that holds it.
        let fn = node.parent;
        while (fn && !/Function/.test(fn.type)) fn = fn.parent;
        const name = fn && fn.id ? fn.id.name : undefined;
        let statement = node;
        let inLoop = false;
        while (statement.parent && statement.parent !== fn && !(fn && statement.parent === fn.body)) {
          statement = statement.parent;
          if (/^(For|ForIn|ForOf|While|DoWhile)Statement$/.test(statement.type)) inLoop = true;
        }
        if (inLoop || !fn || name !== WORKFLOW_FUNCTION || fn.body.type !== 'BlockStatement' || statement.parent !== fn.body) {
          context.report({ node, messageId: 'outside' });
          return;
        }
        const body = fn.body.body;
        const firstAwait = body.findIndex(containsAwait);
        if (firstAwait >= 0 && body.indexOf(statement) >= firstAwait) context.report({ node, messageId: 'afterAwait' });
      },
    };
  },
};
