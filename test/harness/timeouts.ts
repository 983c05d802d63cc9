// Jest reads `testTimeout` only at the top level, not per project: tests against real servers get theirs here.
jest.setTimeout(120_000);
