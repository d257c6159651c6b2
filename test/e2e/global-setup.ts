// Before the end-to-end tests: pack @portcullis/verify and install the examples from their own package.json files,
// the verifier from the tarball (scripts/install-examples.ts), so the tests run the examples as a user would.
import { installExamples } from '../../scripts/install-examples';

export default async function setup(): Promise<void> {
  await installExamples();
}
