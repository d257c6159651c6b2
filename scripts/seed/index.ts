// The development seeds `npm start` applies, in order. Adding one is a file in this folder and a line here.
import { demoClientSeed } from './demo-client';
import { demoFirstPartySeed } from './demo-first-party';
import { demoSpaSeed } from './demo-spa';
import { demoUserSeed } from './demo-user';
import type { Seed } from './types';

export const SEEDS: readonly Seed[] = [demoClientSeed, demoUserSeed, demoSpaSeed, demoFirstPartySeed];
