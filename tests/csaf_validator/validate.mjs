// Run the BSI/Secvisogram csaf-validator-lib over CSAF 2.0 documents, as a CSAF consumer would.
//
//   node tests/csaf_validator/validate.mjs [--lib DIR] FILE.json...
//
// DIR is the installed package (default: .cache/node/node_modules/@secvisogram/csaf-validator-lib,
// where `make csaf-validator` puts it). Prints one JSON object per document and line:
//   {"file", "isValid", "tests": [names run], "errors": [...], "warnings": [...], "optional": [...]}
// isValid and errors cover the strict schema test and every mandatory test (§6.1); "optional"
// holds what the optional tests (§6.2) report, which never makes a document invalid. The
// informative tests (§6.3) are not run: they fetch URLs and need hunspell.
// Exit status: 0 when every document is valid, 1 when one is not, 2 on a usage error.

import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const args = process.argv.slice(2)
let lib = resolve(here, '../../.cache/node/node_modules/@secvisogram/csaf-validator-lib')
if (args[0] === '--lib') {
  lib = resolve(args[1] ?? '')
  args.splice(0, 2)
}
if (args.length === 0) {
  console.error('usage: validate.mjs [--lib DIR] FILE.json...')
  process.exit(2)
}
if (!existsSync(join(lib, 'validateStrict.js'))) {
  console.error(`csaf-validator-lib is not installed in ${lib} (run \`make csaf-validator\`)`)
  process.exit(2)
}

const load = (name) => import(pathToFileURL(join(lib, name)).href)
const validateStrict = (await load('validateStrict.js')).default
const schema = await load('schemaTests.js')
const mandatory = await load('mandatoryTests.js')
const optional = await load('optionalTests.js')

const mandatoryTests = [schema.csaf_2_0_strict, ...Object.values(mandatory)]
const optionalTests = Object.values(optional)

// Each finding names the test that made it, so a failure says which requirement broke.
const findings = (results, kind) =>
  results.tests.flatMap((t) =>
    t[kind].map((f) => ({ test: t.name, instancePath: f.instancePath, message: f.message }))
  )

let allValid = true
for (const file of args) {
  const document = JSON.parse(readFileSync(file, 'utf8'))
  const required = await validateStrict(mandatoryTests, document)
  const advice = await validateStrict(optionalTests, document)
  allValid = allValid && required.isValid
  console.log(
    JSON.stringify({
      file,
      isValid: required.isValid,
      tests: required.tests.map((t) => t.name).concat(advice.tests.map((t) => t.name)),
      errors: findings(required, 'errors'),
      warnings: findings(required, 'warnings'),
      optional: findings(advice, 'warnings').concat(findings(advice, 'errors')),
    })
  )
}
process.exit(allValid ? 0 : 1)
