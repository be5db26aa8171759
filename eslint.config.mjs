// ESLint guards the layers (which folder may import which) and the size limits; the
// typescript-eslint recommended rules catch the rest. No stylistic rules: formatting is not
// linted. test/unit/lint/layers.test.ts proves each layer rule fails where it should.
import { dirname, relative, resolve } from 'node:path';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// The only files that may import `electron`: the Electron shell and the preload. Everything
// else runs in plain Node (browser mode, tests) and gets ipcMain & co as structural types.
// Add a shell helper here (e.g. 'src/main/shell/**') when the shell grows one.
export const ELECTRON_ALLOWED = ['src/main/index.ts', 'src/preload/**'];

// Which app folders each layer may import from (besides its own). The renderer reaches main
// only through the contract in src/shared; src/shared is the vocabulary and imports nothing
// of the app. `outside` is any file outside these four folders (test/, scripts/, ...).
const LAYERS = ['main', 'preload', 'renderer', 'shared'];
export const LAYER_MAY_IMPORT = {
  main: ['shared'],
  preload: ['shared'],
  renderer: ['shared', 'preload'],
  shared: []
};

const root = import.meta.dirname;

/** The layer a repo file belongs to: 'main' for src/main/**, ...; 'outside' otherwise. */
function layerOf(file) {
  const [top, layer] = relative(root, file).split(/[\\/]/);
  return top === 'src' && LAYERS.includes(layer) ? layer : 'outside';
}

/** Every module specifier a file names: import/export ... from, import(), require(), import x = require(). */
function onEachSpecifier(check) {
  const literal = (node) => (node && node.type === 'Literal' && typeof node.value === 'string' ? node : undefined);
  const visit = (node) => {
    const source = literal(node);
    if (source) check(source);
  };
  return {
    ImportDeclaration: (n) => visit(n.source),
    ExportNamedDeclaration: (n) => visit(n.source),
    ExportAllDeclaration: (n) => visit(n.source),
    ImportExpression: (n) => visit(n.source),
    TSImportEqualsDeclaration: (n) => n.moduleReference.type === 'TSExternalModuleReference' && visit(n.moduleReference.expression),
    CallExpression: (n) => n.callee.type === 'Identifier' && n.callee.name === 'require' && visit(n.arguments[0])
  };
}

// Resolves relative specifiers against the importing file, so '../../main/app' from a
// renderer file is seen as src/main/app, however deep the file sits.
const layerImports = {
  meta: {
    type: 'problem',
    docs: { description: 'Keep each layer (src/main, src/preload, src/renderer, src/shared) to the layers it may import' },
    schema: [],
    messages: {
      crossLayer: 'src/{{from}} may not import from src/{{to}} ("{{spec}}"); allowed: {{allowed}}.',
      outside: 'src/{{from}} may not import files outside src/ ("{{spec}}").'
    }
  },
  create(context) {
    const from = layerOf(context.filename);
    if (from === 'outside') return {};
    const allowed = [from, ...LAYER_MAY_IMPORT[from]];
    return onEachSpecifier((source) => {
      const spec = source.value;
      if (!spec.startsWith('.')) return;
      const target = resolve(dirname(context.filename), spec);
      const to = layerOf(target);
      if (to === 'outside') {
        context.report({ node: source, messageId: 'outside', data: { from, spec } });
      } else if (!allowed.includes(to)) {
        const data = { from, to, spec, allowed: allowed.map((l) => `src/${l}`).join(', ') };
        context.report({ node: source, messageId: 'crossLayer', data });
      }
    });
  }
};

// `electron` (and 'electron/...') outside ELECTRON_ALLOWED, in every import form.
const noElectron = {
  meta: {
    type: 'problem',
    docs: { description: 'Only the Electron shell and the preload import electron' },
    schema: [],
    messages: {
      electron: `Only ${ELECTRON_ALLOWED.join(', ')} may import "electron" (ELECTRON_ALLOWED in eslint.config.mjs); take what you need as a structural type instead.`
    }
  },
  create(context) {
    return onEachSpecifier((source) => {
      if (source.value === 'electron' || source.value.startsWith('electron/')) {
        context.report({ node: source, messageId: 'electron' });
      }
    });
  }
};

const layers = { meta: { name: 'layers' }, rules: { imports: layerImports, 'no-electron': noElectron } };

export default defineConfig(
  { ignores: ['node_modules/', 'out/', 'dist/', 'test-artifacts/', '.tmp/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,mts,mjs,js}'],
    languageOptions: { globals: { ...globals.node } },
    plugins: { layers },
    rules: {
      'layers/imports': 'error',
      'layers/no-electron': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      // `_`-prefixed names are deliberately unused (placeholders in signatures and destructuring).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }
      ]
    }
  },
  { files: ELECTRON_ALLOWED, rules: { 'layers/no-electron': 'off' } },
  { files: ['src/renderer/**'], languageOptions: { globals: { ...globals.browser } } },
  {
    // Tests match tools' fixed-width output (go-ycsb's `READ   - Takes(s)`) verbatim; ` {3}`
    // would hide the very layout they check.
    files: ['test/**'],
    rules: { 'no-regex-spaces': 'off' }
  },
  {
    // Size limits, counted like `wc -l`: every line, blank and comment lines included.
    files: ['src/**/*.{ts,tsx}'],
    rules: {
      'max-lines': ['error', { max: 600, skipBlankLines: false, skipComments: false }],
      'max-lines-per-function': ['error', { max: 150, skipBlankLines: false, skipComments: false, IIFEs: true }]
    }
  }
);
