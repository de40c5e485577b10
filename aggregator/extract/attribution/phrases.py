"""The phrase data of the attribution parser: labels, connectors and common words, per language.

Adding a phrasing or a language is a line here, not new code. Phrases are written in lower
case with single spaces; matching ignores case, extra whitespace and the kind of apostrophe.

A label ending in ":" only counts when the page writes a colon (or similar separator) after it:
"Texte : Jeanne Martin" is a credit, "Texte intégral disponible" is not.

Languages: en, fr, de, es, it, pt, nl.
"""

from __future__ import annotations

# Labels that name the source (origin) of the article: "SOURCE : blog.useo.net".
SOURCE_LABELS: tuple[str, ...] = (
    # en
    "source", "sources", "original source", "original article", "original post", "original story",
    "source article", "source url", "syndicated from",
    # fr
    "source originale", "source d'origine", "article original", "article d'origine", "article source",
    "billet original", "provenance:",
    # de
    "quelle", "quellen", "originalquelle", "originalartikel", "originalbeitrag", "ursprungsquelle",
    "originaltext",
    # es
    "fuente", "fuentes", "fuente original", "artículo original", "nota original", "texto original",
    # it
    "fonte", "fonti", "fonte originale", "articolo originale", "testo originale",
    # pt
    "fontes", "fonte original", "artigo original", "matéria original", "texto original",
    # nl
    "bron", "bronnen", "originele bron", "oorspronkelijke bron", "origineel artikel",
    "oorspronkelijk artikel",
)

# Labels that name the author. Bare words ("by", "par"...) are only accepted when what follows
# looks like a name, so "By clicking..." or "Par ailleurs, ..." are not author lines.
AUTHOR_LABELS: tuple[str, ...] = (
    # en
    "by", "author", "authors", "written by", "posted by", "story by", "words by", "article by",
    "reporting by", "text:", "words:",
    # fr
    "par", "auteur", "auteure", "autrice", "auteurs", "écrit par", "rédigé par", "publié par",
    "article de", "un article de", "un billet de", "article rédigé par", "texte:", "propos recueillis par",
    # de
    "von", "autor", "autorin", "autoren", "geschrieben von", "verfasst von", "ein beitrag von",
    "ein artikel von", "text:",
    # es
    "por", "autor", "autora", "autores", "escrito por", "redactado por", "publicado por",
    "un artículo de", "texto:",
    # it
    "di", "autore", "autrice", "autori", "scritto da", "a cura di", "pubblicato da", "un articolo di",
    "testo:",
    # pt
    "escrito por", "um artigo de", "texto:",
    # nl
    "door", "auteur", "auteurs", "geschreven door", "gepubliceerd door", "een artikel van", "tekst:",
)

# Labels that send the reader to the origin: "Lire la suite sur: blog.useo.net".
READ_MORE_LABELS: tuple[str, ...] = (
    # en
    "read more", "read the rest", "read the full article", "read the full story", "read the full post",
    "read the original article", "read the original post", "read the original", "continue reading",
    "keep reading", "read full article", "read the article",
    # fr
    "lire la suite", "lire l'article", "lire l'article complet", "lire l'article original",
    "lire le billet original", "lire la suite de l'article", "la suite", "voir l'article original",
    "lire plus",
    # de
    "weiterlesen", "mehr lesen", "zum vollständigen artikel", "den ganzen artikel lesen",
    "den vollständigen artikel lesen", "zum originalartikel", "ganzen artikel lesen",
    # es
    "leer más", "seguir leyendo", "sigue leyendo", "continuar leyendo", "lee el artículo completo",
    "leer el artículo completo", "leer el artículo original", "lee más",
    # it
    "continua a leggere", "leggi tutto", "leggi di più", "leggi l'articolo completo",
    "leggi l'articolo originale", "continua la lettura",
    # pt
    "leia mais", "continue lendo", "continuar lendo", "leia o artigo completo", "leia a matéria completa",
    "leia o artigo original", "saiba mais",
    # nl
    "lees verder", "lees meer", "verder lezen", "lees het hele artikel", "lees het volledige artikel",
    "lees het originele artikel",
)

# Stems of first-publication lines: "Originally published at ...", "Zuerst erschienen bei ...".
# Any of FIRST_PUBLISHED_SUBJECTS (optionally followed by an auxiliary) may come before a stem:
# "This article was originally published on ...", "Cet article a été initialement publié sur ...".
FIRST_PUBLISHED_LABELS: tuple[str, ...] = (
    # en
    "originally published", "originally posted", "originally appeared", "first published",
    "first appeared", "first posted", "published originally", "reposted from", "republished from",
    "reprinted from", "cross-posted from", "crossposted from", "cross-posted on",
    "reposted with permission from", "republished with permission from", "reprinted with permission from",
    "a version of this article appeared",
    # fr
    "initialement publié", "initialement publiée", "publié initialement", "publiée initialement",
    "initialement paru", "initialement parue", "paru initialement", "parue initialement",
    "publié à l'origine", "publiée à l'origine", "publié originellement", "paru à l'origine",
    "publié pour la première fois", "republié depuis", "repris de", "reproduit avec l'autorisation de",
    # de
    "zuerst erschienen", "erschien zuerst", "ursprünglich erschienen", "ursprünglich veröffentlicht",
    "erstmals erschienen", "erstmals veröffentlicht", "erschien ursprünglich", "zuerst veröffentlicht",
    "erstveröffentlichung",
    # es
    "publicado originalmente", "publicada originalmente", "originalmente publicado",
    "originalmente publicada", "publicado por primera vez", "apareció originalmente",
    "se publicó originalmente", "apareció por primera vez",
    # it
    "pubblicato originariamente", "pubblicata originariamente", "pubblicato originalmente",
    "pubblicata originalmente", "originariamente pubblicato", "apparso originariamente",
    "apparso per la prima volta", "pubblicato per la prima volta", "apparso originalmente",
    # pt
    "publicado primeiramente", "publicada primeiramente", "publicado inicialmente", "publicada inicialmente",
    "apareceu originalmente", "publicado pela primeira vez", "foi publicado originalmente",
    # nl
    "oorspronkelijk gepubliceerd", "oorspronkelijk verschenen", "eerder verschenen", "verscheen eerder",
    "eerder gepubliceerd", "verscheen oorspronkelijk", "voor het eerst gepubliceerd", "verscheen eerst",
)

# What may stand before a first-publication stem: "This article", "Ce billet", "Dieser Beitrag".
FIRST_PUBLISHED_SUBJECTS: tuple[str, ...] = (
    "this article", "this post", "this story", "this piece", "this blog post", "this essay", "this column",
    "the article", "the post", "article", "post",
    "cet article", "ce billet", "ce texte", "cette tribune", "l'article", "article", "billet",
    "dieser artikel", "dieser beitrag", "dieser text", "der artikel", "der beitrag", "artikel", "beitrag",
    "este artículo", "esta nota", "este texto", "el artículo", "artículo",
    "questo articolo", "questo post", "l'articolo", "articolo",
    "este artigo", "esta matéria", "este texto", "o artigo", "artigo",
    "dit artikel", "dit bericht", "deze blog", "het artikel", "artikel",
)

# Auxiliaries between a subject and a stem: "was", "a été", "wurde", "fue", "è stato", "foi", "is".
FIRST_PUBLISHED_AUXILIARIES: tuple[str, ...] = (
    "was", "has been", "had been", "is", "est", "a été", "était", "wurde", "ist", "war", "fue", "ha sido",
    "se", "è stato", "è stata", "è", "foi", "é", "werd", "is eerder", "was eerder",
)

# Labels of a "via" line: where the republisher found the article.
VIA_LABELS: tuple[str, ...] = (
    "via", "h/t", "hat tip", "hattip", "vu sur", "repéré sur", "repéré par", "gefunden bei", "gefunden auf",
    "visto en", "visto su", "visto em", "gezien op", "gespot op",
)

# Words that may join a label to its value: "Read more at", "Lire la suite sur", "Lees verder op".
PLACE_CONNECTORS: tuple[str, ...] = (
    "on", "at", "in", "from", "here", "here at", "over at",
    "sur", "dans", "chez", "sur le site", "sur le blog", "depuis", "de", "du", "à",
    "auf", "bei", "in", "im", "unter", "von",
    "en", "el", "desde", "de", "en el sitio",
    "su", "sul", "sul sito", "nel", "da",
    "em", "no", "na", "no site", "do",
    "op", "bij", "van",
)

# Words that introduce a person inside a line: "Originally published by Jane Doe on ...".
AUTHOR_CONNECTORS: tuple[str, ...] = (
    "by", "written by", "par", "écrit par", "von", "por", "escrito por", "di", "scritto da", "door",
)

# Words that join several authors: "Jane Doe and John Smith".
AUTHOR_CONJUNCTIONS: tuple[str, ...] = ("and", "&", "et", "und", "y", "e", "en", "och", "og", "și", "και")

# Lower-case words that end a name in a byline: "By Jane Doe on May 3", "Par Jean Dupont le 12 mars",
# "Von Anna Schmidt für die Zeit". Matched as written, so "Jean Le Pen" keeps its "Le".
NAME_STOPPERS: tuple[str, ...] = (
    "on", "at", "in", "for", "from", "le", "pour", "sur", "am", "um", "für", "bei", "para", "en",
    "il", "per", "su", "em", "op", "voor", "bij", "updated", "mis à jour", "actualizado", "aggiornato",
    "atualizado", "bijgewerkt", "aktualisiert", "Updated", "Published", "Posted", "Mis à jour", "Publié",
    "Aktualisiert", "Veröffentlicht", "Actualizado", "Publicado", "Aggiornato", "Pubblicato", "Atualizado",
    "Bijgewerkt", "Gepubliceerd",
)

# Lower-case particles that may stand inside a name: "Ursula von der Leyen", "Vincent van Gogh".
NAME_PARTICLES: frozenset[str] = frozenset(
    {
        "von", "van", "der", "den", "de", "des", "du", "da", "di", "del", "della", "dos", "das", "do",
        "la", "le", "ter", "ten", "te", "bin", "ibn", "al", "el", "y", "zu", "vom", "d'", "mac", "st.",
    }
)

# Common words: a "name" containing one of them is the start of a sentence ("By clicking here",
# "Par ailleurs", "Di recente", "Door de regen", "Von hier aus"), not a person.
_COMMON_EN: tuple[str, ...] = (
    "the", "a", "an", "and", "or", "of", "to", "in", "on", "at", "for", "with", "this", "that", "these",
    "those", "it", "its", "is", "are", "was", "were", "be", "been", "you", "we", "our", "your", "their",
    "they", "he", "she", "his", "her", "i", "me", "my", "here", "there", "now", "then", "clicking",
    "using", "continuing", "signing", "subscribing", "default", "far", "way", "all", "no", "not", "any",
    "some", "more", "most", "means", "contrast", "comparison", "design", "nature", "chance", "night",
    "day", "today", "tomorrow", "yesterday", "late", "early", "what", "which", "who", "how", "when",
    "where", "why", "if", "so", "but", "as", "than", "about", "into", "over", "under", "after",
    "before", "email", "mail", "phone", "post", "name", "date", "category", "tag", "tags", "admin",
    "share", "comments", "comment", "reading", "accessing", "visiting", "entering", "submitting",
    "numbers", "number", "law", "hand", "car", "train", "plane", "air", "sea", "land", "monday",
    "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
    "april", "may", "june", "july", "august", "september", "october", "november", "december", "noon",
    "midnight",
)

_COMMON_FR: tuple[str, ...] = (
    "le", "la", "les", "un", "une", "des", "du", "et", "ou", "ce", "cet", "cette", "ces", "il", "elle",
    "ils", "elles", "nous", "vous", "on", "est", "sont", "été", "ailleurs", "exemple", "contre", "ici",
    "là", "conséquent", "rapport", "suite", "défaut", "ailleur", "moments", "moment", "jour", "mois",
    "an", "année", "semaine", "cons", "conséquence", "hasard", "chance", "avance", "qui", "que", "quoi",
    "dont", "où", "mail", "courriel", "téléphone", "lui", "leur", "leurs", "notre", "votre", "nos",
    "vos", "mon", "ma", "mes", "son", "sa", "ses", "avion", "train", "mer", "terre", "écrit",
    "principe", "définition", "nature", "contraste", "ricochet", "lundi", "mardi", "mercredi", "jeudi",
    "vendredi", "samedi", "dimanche", "janvier", "février", "avril", "mai", "juin", "juillet",
    "septembre", "octobre", "novembre", "décembre",
)

_COMMON_DE: tuple[str, ...] = (
    "der", "die", "das", "dem", "den", "des", "ein", "eine", "einer", "einem", "und", "oder", "ist",
    "sind", "war", "hier", "dort", "heute", "morgen", "gestern", "uns", "euch", "ihnen", "mir", "dir",
    "aus", "an", "auf", "bis", "mit", "nach", "zu", "zum", "zur", "bei", "seit", "jetzt", "allem",
    "anfang", "beginn", "null", "neuem", "weitem", "wegen", "wem", "wer", "was", "wo", "wann", "montag",
    "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag", "zeit",
)

_COMMON_ES: tuple[str, ...] = (
    "el", "los", "las", "uno", "unos", "unas", "y", "o", "que", "qué", "favor", "ejemplo", "eso",
    "esto", "ello", "tanto", "supuesto", "fin", "cierto", "lo", "otra", "otro", "parte", "lado",
    "ahora", "aquí", "hoy", "mañana", "ayer", "su", "sus", "nuestro", "nuestra", "correo", "medio",
    "vez", "primera", "último", "última", "cuanto", "mucho", "poco", "siempre", "lunes", "martes",
    "miércoles", "jueves", "viernes", "sábado", "domingo", "enero", "febrero",
)

_COMMON_IT: tuple[str, ...] = (
    "il", "lo", "gli", "uno", "una", "e", "che", "recente", "solito", "nuovo", "più", "meno", "questo",
    "questa", "quello", "quella", "qui", "oggi", "domani", "ieri", "fatto", "sicuro", "certo",
    "conseguenza", "seguito", "sera", "mattina", "notte", "giorno", "anni", "tutto", "tutti", "sempre",
    "mai", "cui", "nostro", "vostro", "loro", "suo", "sua",
)

_COMMON_PT: tuple[str, ...] = (
    "os", "as", "um", "uma", "uns", "umas", "isso", "isto", "aqui", "hoje", "amanhã", "ontem",
    "exemplo", "favor", "causa", "vez", "fim", "outro", "outra", "lado", "meio", "nosso", "nossa",
    "seu", "sua", "mais", "menos", "muito", "pouco", "sempre", "nunca", "onde",
)

_COMMON_NL: tuple[str, ...] = (
    "het", "een", "en", "of", "de", "dat", "die", "dit", "deze", "regen", "weg", "tijd", "week", "jaar",
    "dag", "ons", "jullie", "hier", "daar", "nu", "vandaag", "morgen", "gisteren", "wie", "wat", "waar",
    "wanneer", "hoe", "zijn", "haar", "hun", "mijn", "jouw", "uw", "omstandigheden", "middel", "toeval",
    "zon", "wind", "corona", "crisis",
)
COMMON_WORDS: frozenset[str] = frozenset(
    (*_COMMON_EN, *_COMMON_FR, *_COMMON_DE, *_COMMON_ES, *_COMMON_IT, *_COMMON_PT, *_COMMON_NL)
)
