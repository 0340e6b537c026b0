"""One catalog entry in the three languages, for the catalog_* modules."""


def three(nb: str, nn: str, en: str) -> dict[str, str]:
    return {"nb": nb, "nn": nn, "en": en}
