/**
 * The build plan for the progress bar, loaded with a dynamic import when a run starts: it parses
 * the Dockerfile (dockerfile-ast), which the lesson page should not load up front.
 */
import { installBufferShim } from "@/lib/dockerfile/buffer-shim";
import { buildPlan } from "@/lib/insight/build-plan";

installBufferShim();

export { buildPlan };
