/** The image catalog as the rules see it: a lookup and the refs to suggest. */
import { IMAGE_CATALOG, findCatalogImage } from "../image-catalog";
import type { RuleContext } from "./rules/types";

export function catalogLookup(): Pick<RuleContext, "isCatalogImage" | "catalogRefs"> {
  return {
    isCatalogImage: (ref) => findCatalogImage(ref) !== undefined,
    catalogRefs: IMAGE_CATALOG.map((image) => image.ref),
  };
}
