#!/usr/bin/env node
// Prints Terraform files as JSON, parsed by HashiCorp's HCL parser (@cdktf/hcl2json, Go compiled to WASM), so
// tests can check a module without a terraform binary. Syntax and shape only: provider schemas are not checked.
//
//   node tools/hcl2json/parse.mjs DIR            every *.tf file in DIR (not subdirectories), merged
//   node tools/hcl2json/parse.mjs FILE           one file (.tf, .tfvars, any HCL)
//   node tools/hcl2json/parse.mjs --by-file DIR  {"<file name>": <its JSON>, ...}
//
// Shape: blocks are arrays (resource.aws_lambda_function.token[0].runtime); expressions stay strings
// ("${var.name}-token"); literal numbers and booleans keep their type. Files are parsed one by one, so a syntax
// error names its file; the same block label defined in two files is an error (as in Terraform). Exit code 1 on
// any error, with the message on stderr.
import hcl2json from "@cdktf/hcl2json";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";

const { parse } = hcl2json;

// Top-level keys whose entries may repeat across files (unlabelled blocks, and provider configurations).
const REPEATABLE = new Set(["locals", "terraform", "provider", "moved", "import", "check", "removed"]);

function merge(into, from, path) {
  for (const [key, value] of Object.entries(from)) {
    const here = path.concat(key);
    if (!(key in into)) {
      into[key] = value;
    } else if (Array.isArray(into[key]) && Array.isArray(value)) {
      if (!REPEATABLE.has(here[0])) {
        throw new Error(`${here.join(".")} is defined more than once`);
      }
      into[key] = into[key].concat(value);
    } else if (isObject(into[key]) && isObject(value)) {
      merge(into[key], value, here);
    } else {
      throw new Error(`${here.join(".")} is defined more than once`);
    }
  }
  return into;
}

function isObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

async function parseFile(file) {
  try {
    return await parse(basename(file), readFileSync(file, "utf-8"));
  } catch (error) {
    throw new Error(`${file}: ${error.message ?? error}`);
  }
}

async function main(args) {
  const byFile = args.includes("--by-file");
  const targets = args.filter((arg) => !arg.startsWith("--"));
  if (targets.length !== 1) {
    throw new Error("usage: node parse.mjs [--by-file] DIR|FILE");
  }
  const target = targets[0];
  const files = statSync(target).isDirectory()
    ? readdirSync(target).filter((name) => name.endsWith(".tf")).sort().map((name) => join(target, name))
    : [target];
  if (files.length === 0) {
    throw new Error(`${target}: no .tf file`);
  }
  const parsed = {};
  for (const file of files) {
    parsed[basename(file)] = await parseFile(file);
  }
  if (byFile) {
    return parsed;
  }
  const merged = {};
  for (const json of Object.values(parsed)) {
    merge(merged, json, []);
  }
  return merged;
}

try {
  const result = await main(process.argv.slice(2));
  process.stdout.write(JSON.stringify(result, null, 2) + "\n", () => process.exit(0));
} catch (error) {
  process.stderr.write(`hcl2json: ${error.message ?? error}\n`, () => process.exit(1));
}
