// Passphrase strength for the ceremony room (zxcvbn-ts with the common and English dictionaries), bundled by esbuild
// into wwwroot/lib/zxcvbn.mjs: a browser cannot resolve the packages' bare imports without an import map.
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';

const factory = new ZxcvbnFactory({
  dictionary: { ...common.dictionary, ...en.dictionary },
  graphs: common.adjacencyGraphs,
  translations: en.translations,
});

/** zxcvbn's estimate: score 0 (guessable at once) to 4 (very unguessable), with the guesses it needs. */
export async function strength(passphrase, userInputs = []) {
  const r = await factory.checkAsync(passphrase, userInputs);
  return { score: r.score, guessesLog10: r.guessesLog10 };
}
