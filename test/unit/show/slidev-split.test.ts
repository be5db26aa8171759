// The splitter against Slidev's own parser: for each fixture (copied from slidevjs/slidev, see
// test/fixtures/slidev/README.md) the expected slide counts, titles, notes, hidden slides and
// start lines are what Slidev's parser (core.ts parseSync) gives for the same file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { headingOf, isBlankSlide, splitSlidev, takeNote } from '../../../src/main/show/slidev-split';

const FIXTURES = join(import.meta.dirname, '../../fixtures/slidev');
const read = (f: string): string => readFileSync(join(FIXTURES, f), 'utf8');

interface Truth {
  count: number;
  titles: (string | null)[];
  /** Indexes of slides that have notes. */
  notes: number[];
  /** Slidev's 0-based `start` of each slide. */
  starts: number[];
  /** Indexes of slides with `hide`/`disabled`. */
  hidden: number[];
}

// Output of Slidev's parseSync on each file (commit dbc307b4).
const SLIDEV: Record<string, Truth> = {
  'parser/frontmatter.md': { count: 8, titles: ["Hi","Hello","Morning",null,null,null,"When there is already a frontmatter, the first yaml block should be treated as content","Title"], notes: [1,3], starts: [0,10,24,27,39,51,59,71], hidden: [] },
  'parser/minimal.md': { count: 3, titles: ["H1","Hello",null], notes: [], starts: [0,11,20], hidden: [] },
  'parser/mdc.md': { count: 1, titles: ["Comark{style=\"color:red\"}"], notes: [], starts: [0], hidden: [] },
  'starter/slides.md': { count: 16, titles: ["Welcome to Slidev","What is Slidev?","Navigation","Table of contents","Code","Shiki Magic Move","Components","Themes","Clicks Animations","Motions","$\\LaTeX$","Diagrams","Draggable Elements",null,"Monaco Editor","Learn More"], notes: [0,1,4,6], starts: [0,47,88,115,134,187,262,303,335,397,477,499,576,621,627,652], hidden: [] },
  'template/slides.md': { count: 11, titles: ["Welcome to Slidev","What is Slidev?","Table of contents","Navigation","Code","Components","Themes","Animations","LaTeX","Diagrams","Learn More"], notes: [0,1,5], starts: [0,43,85,97,124,168,209,240,320,348,425], hidden: [] },
  'theme-example/slides.md': { count: 5, titles: ["Slidev Theme Starter","What is Slidev?","Navigation","Code","Learn More"], notes: [], starts: [0,16,35,49,73], hidden: [] },
  'composable-vue/slides.md': { count: 38, titles: ["Composable Vue","Anthony Fu","Sponsors","Composable Vue","VueUse","Composition API","Ref","Ref Auto Unwrapping <MarkerCore />","`unref` - Opposite of Ref <MarkerCore />","Patterns & Tips","What's Composable Functions","Think as \"Connections\"","One Thing at a Time","Passing Refs as Arguments <MarkerPattern />","MaybeRef <MarkerTips/>","Make it Flexible <MarkerPattern />","`useTitle` <Marker class=\"text-blue-400\">Case</Marker>","\"Reuse\" Ref <MarkerCore />","`ref` / `unref` <MarkerTips />","Object of Refs <MarkerPattern />","Async to \"Sync\" <MarkerTips />","`useFetch` <Marker class=\"text-blue-400\">Case</Marker>","Side-effects Self Cleanup <MarkerPattern />","`effectScope` RFC <Marker class=\"text-purple-400\">Upcoming</Marker>","Template Ref <MarkerTips />","Template Ref <MarkerTips />","Typed Provide / Inject <MarkerCore/>","Typed Provide / Inject <MarkerCore/>","Shared State <MarkerPattern />","Shared State (SSR friendly) <MarkerPattern />","useVModel <MarkerTips />","useVModel (Passive) <MarkerTips />","All of them work for both Vue 2 and 3","`@vue/composition-api` <Marker class=\"text-teal-400\">Lib</Marker>","Vue 2.7 <Marker class=\"text-purple-400\">Upcoming</Marker>","Vue Demi <Marker class=\"text-teal-400\">Lib</Marker>","Recap","Thank You!"], notes: [22], starts: [0,33,56,68,74,105,115,173,221,255,265,303,320,332,406,443,488,526,557,580,616,650,679,710,731,765,799,821,864,909,969,1027,1058,1065,1082,1094,1107,1119], hidden: [24,25,31] },
};

describe('splitSlidev on Slidev\'s fixtures and example decks', () => {
  for (const [file, truth] of Object.entries(SLIDEV)) {
    it(`${file}: ${truth.count} slides with Slidev's titles, notes and lines`, () => {
      const text = read(file);
      const { slides, errors } = splitSlidev(text);
      expect(errors).toEqual([]);
      expect(slides).toHaveLength(truth.count);
      expect(slides.map((s) => s.title)).toEqual(truth.titles);
      expect(slides.flatMap((s, i) => (s.note !== null ? [i] : []))).toEqual(truth.notes);
      expect(slides.flatMap((s, i) => (s.frontMatter?.data.hide === true || s.frontMatter?.data.disabled === true ? [i] : []))).toEqual(truth.hidden);
      const lines = text.split(/\r?\n/);
      slides.forEach((s, i) => {
        // A slide's line is its opening `---` (Slidev's start for a front-matter block, the line
        // before its start for a bare separator), or line 1 for a first slide without one.
        const start = truth.starts[i] ?? -1;
        const opener = lines[s.line - 1] ?? '';
        if (i === 0 && !opener.startsWith('---')) expect(s.line).toBe(1);
        else {
          expect(opener.startsWith('---'), `${file} slide ${i + 1} at line ${s.line}`).toBe(true);
          expect([start, start + 1]).toContain(s.line);
        }
        for (const e of s.frontMatter?.errors ?? []) expect.fail(`${file}:${e.line}: ${e.message}`);
      });
    });
  }

  it('reads the parser fixture the way Slidev\'s snapshot says', () => {
    const { slides } = splitSlidev(read('parser/frontmatter.md'));
    expect(slides[0]?.frontMatter?.data).toEqual({ layout: 'cover', fonts: { sans: 'Roboto, Lato', serif: 'Mate SC', mono: 'Fira Code' } });
    // `meta.title` is not the title: the heading is.
    expect(slides[1]).toMatchObject({ title: 'Hello', titleFrom: 'heading', note: 'This is note', content: '# Hello' });
    // Only the LAST comment, with nothing after it, is the note.
    expect(slides[3]).toMatchObject({ note: 'This is note', content: '<!-- This is not note -->\nHey' });
    // `---` inside a code fence is code.
    expect(slides[4]?.content).toContain('Also part of the code block');
    expect(slides[4]?.frontMatter).toBeNull();
    // A leading ```yaml block is front matter when there is no `---` block, content otherwise.
    expect(slides[5]?.frontMatter).toMatchObject({ style: 'yaml', data: { layout: 'from yaml' } });
    expect(slides[5]?.content).toBe('Content 1');
    expect(slides[6]?.frontMatter?.data).toEqual({ layout: 'cover' });
    expect(slides[6]?.content).toContain('layout: should not from yaml 1');
    expect(slides[7]?.frontMatter).toBeNull();
  });

  it('the starter deck: headmatter, duration, layouts, image and the src import', () => {
    const { slides } = splitSlidev(read('starter/slides.md'));
    expect(slides[0]?.frontMatter?.data).toMatchObject({ theme: 'seriph', title: 'Welcome to Slidev', duration: '35min', transition: 'slide-left' });
    expect(slides[0]).toMatchObject({ titleFrom: 'front-matter', line: 1 });
    expect(slides[3]?.frontMatter?.data).toMatchObject({ layout: 'two-cols' });
    expect(slides[3]?.content).toMatch(/^::right::$/m);
    expect(slides[4]?.frontMatter?.data).toMatchObject({ layout: 'image-right', image: 'https://cover.sli.dev' });
    expect(slides[13]?.frontMatter?.data).toMatchObject({ src: './pages/imported-slides.md' });
    expect(slides[0]?.note).toMatch(/^The last comment block of each slide/);
    // The front matter's own line numbers: `layout:` of slide 4 is on line 117.
    const fm = slides[3]?.frontMatter;
    expect(fm?.firstLine).toBe(117);
  });
});

const lines = (...ls: string[]): string => ls.join('\n');
const titles = (text: string): (string | null)[] => splitSlidev(text).slides.map((s) => s.title);

describe('splitSlidev: Slidev\'s rules one by one', () => {
  it('Slidev\'s own parse test: bare separators, a front matter, ---- separators', () => {
    const { slides } = splitSlidev(lines('', 'a', '', '---', '', 'b', '', '---', 'layout: z', '---', 'c', '----', 'd', '----', 'e', '', '---', '', 'f', '', ''));
    expect(slides.map((s) => s.content)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(slides[2]?.frontMatter?.data).toEqual({ layout: 'z' });
    expect(slides[3]?.frontMatter).toBeNull();
  });

  it('section names after the dashes', () => {
    const { slides } = splitSlidev(lines('a', '---section2', 'layout: z', '---', 'c', '----   section 3', 'd'));
    expect(slides.map((s) => s.content)).toEqual(['a', 'c', 'd']);
    expect(slides[1]?.frontMatter?.data).toEqual({ layout: 'z' });
  });

  it('separators inside an HTML comment are not separators', () => {
    const { slides } = splitSlidev(lines('---', 'src: ./one.md', '---', '', '<!--', '---', 'src: ./two.md', '---', '-->', '', '---', 'src: ./three.md', '---', ''));
    expect(slides.map((s) => s.frontMatter?.data.src)).toEqual(['./one.md', './three.md']);
  });

  it('a separator on the line a comment opens still separates', () => {
    const { slides } = splitSlidev(lines('a', '', '----<!--', 'hidden', '-->', '', 'b', ''));
    expect(slides.map((s) => s.content)).toEqual(['a', 'hidden\n-->\n\nb']);
  });

  it('titles: front matter, then name, then the first heading, else none', () => {
    expect(titles(lines('---', 'title: T', '---', '# H'))).toEqual(['T']);
    expect(titles(lines('---', 'name: N', '---', '# H'))).toEqual(['N']);
    expect(titles(lines('---', 'layout: center', '---', '', 'Text', '', '## Sub'))).toEqual(['Sub']);
    expect(titles(lines('Just text', '---', '', '#NoSpace'))).toEqual([null, null]);
    expect(splitSlidev(lines('## Two', 'x')).slides[0]).toMatchObject({ titleFrom: 'heading', level: 2 });
    expect(headingOf('text\n### Deep one  \n')).toEqual({ title: 'Deep one', level: 3 });
  });

  it('code fences hide separators; an unclosed fence hides nothing', () => {
    expect(splitSlidev(lines('# A', '```rust', '---', 'fn main() {}', '```', '---', '', '# B')).slides).toHaveLength(2);
    expect(splitSlidev(lines('# A', '````md', '```', '---', '```', '````', '', '---', '', '# B')).slides).toHaveLength(2);
    expect(titles(lines('# A', '```', '', '---', '', '# B'))).toEqual(['A', 'B']);
  });

  it('line numbers: opening dashes, content start, end, CRLF', () => {
    const text = ['---', 'title: One', '---', '', 'Body', '', '---', '', '# Two', '', '---', 'layout: center', '', '---', 'three'].join('\r\n');
    const { slides } = splitSlidev(text);
    expect(slides.map((s) => [s.line, s.contentLine, s.endLine])).toEqual([
      [1, 5, 7],
      [7, 9, 11],
      [11, 15, 16]
    ]);
    expect(slides[2]?.frontMatter?.firstLine).toBe(12);
  });

  it('YAML errors carry their file line; an unclosed block is reported', () => {
    const bad = splitSlidev(lines('# A', '', '---', 'title: B', 'countdown: [1, 2', '---', 'x'));
    expect(bad.slides[1]?.frontMatter?.errors[0]?.line).toBe(5);
    const open = splitSlidev(lines('# A', '', '---', 'title: B', 'map: show'));
    expect(open.errors).toEqual([{ line: 3, message: 'front matter is not closed: expected a second "---" line' }]);
    const yamlBlock = splitSlidev(lines('# A', '', '---', '', '```yaml', 'layout: center', 'title: a: b', '```', 'x'));
    expect(yamlBlock.slides[1]?.frontMatter?.errors[0]?.line).toBe(7);
  });

  it('an alias bomb is refused, not expanded', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`);
    const { slides } = splitSlidev(lines('---', ...bomb, '---', 'x'));
    expect(slides[0]?.frontMatter?.errors[0]?.message).toMatch(/cannot be read/);
    expect(slides[0]?.frontMatter?.data).toEqual({});
  });

  it('notes: only a closing comment; blank slides are flagged', () => {
    expect(takeNote('text\n<!-- a -->\n<!-- b -->')).toEqual({ content: 'text\n<!-- a -->', note: 'b', noteRaw: ' b ' });
    expect(takeNote('<!-- a -->\ntext')).toEqual({ content: '<!-- a -->\ntext', note: null, noteRaw: null });
    const { slides } = splitSlidev(lines('# A', '', '---', ''));
    expect(slides.map(isBlankSlide)).toEqual([false, true]);
    expect(splitSlidev(lines('---', '', '# A')).slides).toHaveLength(1);
  });
});
