/**
 * The model: pure shapes and rules of what this package manages (a Domo user today), with no
 * I/O. Every other folder derives its types, field lists and validation from here.
 */

export * from "./group";
export * from "./ids";
export * from "./inputs";
export * from "./settings";
export * from "./text";
export * from "./user";
export * from "./user-state";
