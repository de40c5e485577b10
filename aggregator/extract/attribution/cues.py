"""The cue words of the clause grammar, per language: data, not code.

A credit clause is a cue (a label, a verb, a preposition) followed by an outlet or a name.
Each language lists the words that play each part; adding a phrasing or a language is a line
here. Phrases are matched word by word on folded keys (case, accents, apostrophes and hyphens
ignored), so "l’article", "L'ARTICLE" and "l article" are one phrase.

Languages: en, fr, de, es, it, pt, nl, el, pl, sv, da, ca, ro.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class LanguageCues:
    """The words that play each part of a credit clause in one language."""

    articles: tuple[str, ...] = ()
    """May stand before an outlet's name: "le", "the", "der"."""
    places: tuple[str, ...] = ()
    """Put an outlet after a piece or a name: "dans", "in der", "auf", "pour"."""
    origins: tuple[str, ...] = ()
    """Open a clause that says where the text comes from: "da", "aus der", "uit", "from"."""
    pieces: tuple[str, ...] = ()
    """Say a piece appeared: nouns ("article", "tribune") and verbs ("paru", "published")."""
    pointers: tuple[str, ...] = ()
    """Send the reader to the outlet: "lire", "read", "leer noticia completa"."""
    bylines: tuple[str, ...] = ()
    """Put a person after them, inside a sentence: "écrit par", "a cargo de", "article de"."""
    roles: tuple[str, ...] = ()
    """Titles and roles that may stand between a byline cue and the name: "journaliste", "professor"."""
    outlet_nouns: tuple[str, ...] = ()
    """May stand between a place word and the outlet's name: "le journal", "the newspaper"."""
    reporting: tuple[str, ...] = ()
    """Running prose about an outlet, not a credit: "selon", "according to", "reported"."""
    images: tuple[str, ...] = ()
    """An image or chart credit: "photo", "foto", "bild", "beeld"."""
    asides: tuple[str, ...] = ()
    """A line opening with one points elsewhere, not to the origin: "lire aussi", "see also"."""
    promos: tuple[str, ...] = ()
    """The site's own plugs: "newsletter", "subscribe", "cookies"."""
    dates: tuple[str, ...] = ()
    """Months, days and other date words that may follow a credit: "janvier", "Monday", "hier"."""


LANGUAGES: dict[str, LanguageCues] = {
    "en": LanguageCues(
        articles=("the", "a", "an"),
        places=("in", "on", "at", "for", "from", "by", "over at", "with"),
        origins=("from", "courtesy of", "adapted from", "excerpted from", "reprinted from", "republished from",
                 "reposted from", "taken from"),
        pieces=("article", "articles", "story", "piece", "column", "op ed", "oped", "editorial", "essay",
                "interview", "report", "post", "blog post", "letter", "review", "feature", "commentary",
                "opinion", "text", "appeared", "appears", "published", "printed", "ran", "posted", "written",
                "produced", "syndicated", "distributed", "republished", "reposted", "reprinted", "version",
                "excerpt", "adapted", "contribution", "originally", "first", "reproduced", "copyright"),
        pointers=("read", "see", "view", "continue reading", "more at", "more on", "full story", "full article",
                  "click here", "read more", "keep reading", "watch", "listen"),
        bylines=("by", "written by", "authored by", "reported by", "article by", "story by", "words by",
                 "column by", "essay by", "interview by", "op ed by", "piece by", "text by", "a column by",
                 "an article by", "an essay by", "a piece by", "the author of this article", "author"),
        roles=("professor", "prof", "dr", "senior", "lecturer", "psychologist", "journalist", "reporter",
               "correspondent", "columnist", "editor", "writer", "staff", "contributor", "analyst", "economist",
               "researcher", "historian", "director", "friend", "colleague", "guest", "political", "chief",
               "our", "my", "the", "associate", "assistant", "investigative", "special", "foreign", "science",
               "opinion", "contributing", "freelance", "features", "sports", "business", "national"),
        outlet_nouns=("newspaper", "paper", "magazine", "journal", "daily", "weekly", "website", "site", "blog",
                      "edition", "issue", "print edition", "section", "page", "online", "supplement",
                      "opinion section", "opinion pages", "pages"),
        reporting=("according to", "reported", "reports", "reporting", "told", "says", "said", "cites", "cited",
                   "quoted", "quoting", "writes", "wrote", "notes", "noted", "claims", "claimed", "revealed",
                   "reveals", "via"),
        images=("photo", "photos", "photograph", "photographs", "photography", "photographer", "image", "images",
                "picture", "pictures", "pic", "illustration", "illustrations", "graphic", "graphics", "chart",
                "map", "footage", "screenshot", "caption", "credit", "credits", "getty", "shutterstock",
                "istock", "istockphoto", "alamy", "unsplash", "pexels", "pixabay", "flickr", "wikimedia",
                "imago", "sketch", "cartoon", "video", "cc by", "cc by sa", "cc by nd", "creative commons",
                "public domain"),
        asides=("see also", "read also", "also read", "related", "more from", "further reading", "recommended",
                "you may also like", "don't miss", "follow us", "read next", "also on", "more stories"),
        promos=("subscribe", "subscription", "subscribers", "sign up", "newsletter", "cookies", "cookie",
                "log in", "login", "donate", "support us", "advertisement", "sponsored",
                "republishing", "terms of use", "all rights reserved", "share this", "share on", "share via"),
        dates=("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
               "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
               "nov", "dec", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
               "today", "yesterday", "ago", "hours", "hour", "minutes", "updated", "st", "nd", "rd", "th",
               "am", "pm", "edt", "est", "gmt", "utc", "bst", "pst"),
    ),
    "fr": LanguageCues(
        articles=("le", "la", "les", "l", "un", "une", "des"),
        places=("dans", "sur", "chez", "de", "du", "des", "d", "à", "au", "aux", "pour", "par", "en",
                "sur le site", "sur le site de", "sur le blog", "sur le blog de", "avec"),
        origins=("extrait de", "extrait du", "extrait d", "tiré de", "tiré du", "tirée de", "tirée du",
                 "repris de", "repris du", "reproduit de", "d après"),
        pieces=("article", "articles", "billet", "tribune", "chronique", "édito", "éditorial", "editorial",
                "interview", "entretien", "entrevue", "enquête", "reportage", "texte", "papier", "portrait",
                "dépêche", "lettre", "analyse", "paru", "parue", "parus", "parues", "publié", "publiée",
                "publiés", "publiées", "publication", "signé", "signée", "repris", "reprise", "version",
                "rubrique", "colonne", "point de vue", "opinion", "initialement", "originellement", "reproduit",
                "à l origine", "précédemment"),
        pointers=("lire", "à lire", "a lire", "voir", "consulter", "retrouvez", "retrouver", "la suite",
                  "découvrez", "lisez", "cliquez", "écouter", "regarder", "l intégralité", "en intégralité"),
        bylines=("par", "écrit par", "écrite par", "rédigé par", "rédigée par", "signé", "signée", "signé par",
                 "signée par", "propos recueillis par", "publié par", "publiée par", "article de", "un article de",
                 "l article de", "tribune de", "une tribune de", "chronique de", "une chronique de", "billet de",
                 "un billet de", "édito de", "texte de", "interview de", "enquête de", "reportage de",
                 "une tribune par", "un texte de"),
        roles=("journaliste", "professeur", "professeure", "docteur", "dr", "chercheur", "chercheuse", "historien",
               "historienne", "économiste", "sociologue", "correspondant", "correspondante", "envoyé", "envoyée",
               "spécial", "spéciale", "rédacteur", "rédactrice", "chroniqueur", "chroniqueuse", "éditorialiste",
               "directeur", "directrice", "notre", "confrère", "consœur", "collègue", "ami", "amie", "le", "la",
               "maître", "politologue", "philosophe", "écrivain", "écrivaine", "avocat", "avocate"),
        outlet_nouns=("journal", "quotidien", "hebdomadaire", "magazine", "revue", "site", "blog", "édition",
                      "numéro", "supplément", "rubrique", "page", "pages", "site internet", "gazette",
                      "mensuel", "quotidien régional", "édition papier", "version papier", "colonnes"),
        reporting=("selon", "d après", "rapporte", "rapportait", "rapporté", "indique", "indiqué", "annonce",
                   "annoncé", "affirme", "affirmé", "explique", "expliqué", "cite", "cité", "citée", "relate",
                   "révèle", "révélé", "écrit", "souligne", "note", "confié", "déclaré", "déclare", "précise",
                   "précisé", "commence"),
        images=("photo", "photos", "photographie", "crédit", "crédits", "illustration", "image", "images",
                "légende", "infographie", "graphique", "carte", "vidéo", "capture", "dessin", "visuel"),
        asides=("lire aussi", "à lire aussi", "a lire aussi", "voir aussi", "à voir aussi", "lire également",
                "à lire également", "sur le même sujet", "pour aller plus loin", "à découvrir", "nos articles",
                "à lire également"),
        promos=("newsletter", "abonnez", "abonné", "abonnés", "abonnement", "inscrivez", "inscription",
                "cookies", "commentaires", "suivez nous", "soutenez", "partager sur", "partagez",
                "tous droits réservés"),
        dates=("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
               "novembre", "décembre", "janv", "févr", "avr", "juil", "sept", "oct", "nov", "déc", "lundi",
               "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "aujourd hui", "hier", "ce",
               "er", "le", "daté", "datée", "en date", "du", "édition", "h", "mis à jour"),
    ),
    "de": LanguageCues(
        articles=("der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "einem", "eines"),
        places=("in", "im", "in der", "in den", "auf", "bei", "beim", "von", "vom", "aus", "für", "unter",
                "mit", "gegenüber"),
        origins=("aus", "entnommen aus", "übernommen von", "übernommen aus", "mit freundlicher genehmigung",
                 "mit freundlicher genehmigung von", "mit freundlicher genehmigung der", "nachdruck aus"),
        pieces=("artikel", "beitrag", "bericht", "text", "kolumne", "kommentar", "gastbeitrag", "gastkommentar",
                "interview", "essay", "reportage", "leitartikel", "meinung", "stellungnahme", "rezension",
                "erschienen", "erschien", "veröffentlicht", "veröffentlichte", "publiziert", "gedruckt",
                "abgedruckt", "zuerst", "ursprünglich", "erstmals", "originalartikel", "presseschau", "glosse",
                "analyse", "gespräch"),
        pointers=("lesen", "weiterlesen", "mehr", "hier geht s", "hier gehts", "zum artikel", "zum originalartikel",
                  "gibt s", "gibts", "nachzulesen", "nachlesen", "den originalartikel", "den ganzen artikel"),
        bylines=("von", "geschrieben von", "verfasst von", "ein beitrag von", "ein artikel von", "kommentar von",
                 "eine kolumne von", "das gespräch führte", "das interview führte", "die fragen stellte",
                 "ein gespräch mit", "ein kommentar von", "eine analyse von", "eine reportage von",
                 "eine frontberichterstattung von", "ein gastbeitrag von", "text von", "autor", "autorin"),
        roles=("journalist", "journalistin", "journalisten", "herausgeber", "herausgeberin", "redakteur",
               "redakteurin", "korrespondent", "korrespondentin", "professor", "prof", "dr", "chefredakteur",
               "chefredakteurin", "autor", "autorin", "kolumnist", "kolumnistin", "gastautor", "gastautorin",
               "unser", "unsere", "unserem", "unserer", "dem", "der", "erstklassigen", "politologe", "historiker",
               "ökonom", "wirtschaftsjournalist", "reporter", "reporterin"),
        outlet_nouns=("zeitung", "zeitschrift", "magazin", "blatt", "ausgabe", "online ausgabe", "printausgabe",
                      "website", "webseite", "seite", "blog", "wochenzeitung", "tageszeitung", "samstagsausgabe",
                      "sonntagsausgabe", "archiv", "onlineausgabe", "wochenendausgabe"),
        reporting=("laut", "zufolge", "berichtet", "berichtete", "berichten", "meldet", "meldete", "schreibt",
                   "schrieb", "zitiert", "sagte", "sagt", "erklärte", "empört", "bezieht", "mokierte",
                   "verloren", "gesagt"),
        images=("foto", "fotos", "bild", "bilder", "bildrechte", "bildquelle", "grafik", "illustration",
                "abbildung", "screenshot", "video", "karte", "bildnachweis", "fotograf", "fotografin",
                "titelbild", "symbolbild", "bildunterschrift"),
        asides=("siehe auch", "lesen sie auch", "auch interessant", "mehr zum thema", "das könnte sie auch",
                "weitere artikel", "zum thema", "hier finden sie"),
        promos=("newsletter", "abonnieren", "abonnement", "abo", "abonnent", "abonnenten", "abonnentinnen",
                "cookies", "anmelden", "registrieren", "werbung", "anzeige", "teilen sie", "jetzt teilen"),
        dates=("januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober",
               "november", "dezember", "jan", "feb", "mär", "apr", "jun", "jul", "aug", "sep", "sept", "okt",
               "nov", "dez", "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag",
               "heute", "gestern", "vom", "am", "uhr", "stand", "aktualisiert"),
    ),
    "es": LanguageCues(
        articles=("el", "la", "los", "las", "un", "una"),
        places=("en", "de", "del", "desde", "a", "al", "sobre", "para", "por"),
        origins=("tomado de", "tomada de", "extraído de", "extraída de", "reproducido de", "vía"),
        pieces=("artículo", "articulo", "columna", "crónica", "nota", "noticia", "tribuna", "editorial",
                "entrevista", "reportaje", "opinión", "texto", "carta", "ensayo", "publicado", "publicada",
                "publicó", "apareció", "aparecido", "aparecida", "aparece", "difundido", "se publicó",
                "reproducimos", "artículos", "originalmente", "inicialmente", "previamente"),
        pointers=("leer", "lee", "lea", "ver", "consulta", "sigue leyendo", "noticia completa", "más en",
                  "seguir leyendo", "haz clic", "escuchar"),
        bylines=("por", "escrito por", "escrita por", "redactado por", "redactada por", "realizado por",
                 "realizada por", "firmado por", "firmada por", "a cargo de", "artículo de", "columna de",
                 "un artículo de", "crónica de", "opinión de", "artículo de opinión de", "el artículo de",
                 "del periodista", "el artículo del periodista", "autor de artículo"),
        roles=("periodista", "profesor", "profesora", "doctor", "doctora", "dr", "investigador", "investigadora",
               "corresponsal", "columnista", "escritor", "escritora", "editor", "redactor", "el", "la",
               "nuestro", "nuestra", "jurista", "economista", "analista", "catedrático", "catedrática"),
        outlet_nouns=("diario", "periódico", "revista", "semanario", "sitio", "web", "página", "blog", "edición",
                      "suplemento", "sección", "portal"),
        reporting=("según", "segun", "informa", "informó", "de acuerdo con", "señala", "señaló", "dijo",
                   "afirma", "asegura", "recoge", "cita", "revela", "consultadas", "consultados", "efectuó",
                   "te cuenta"),
        images=("foto", "fotos", "fotografía", "imagen", "imágenes", "ilustración", "vídeo", "video", "gráfico",
                "derechos de autor", "crédito", "captura"),
        asides=("lee también", "lea también", "ver también", "te puede interesar", "relacionado",
                "más información", "leer también", "puede interesarte", "también te puede interesar"),
        promos=("suscríbete", "suscríbase", "suscripción", "suscriptores", "boletín", "newsletter", "cookies",
                "regístrate", "comparte este", "compartir en"),
        dates=("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
               "setiembre", "octubre", "noviembre", "diciembre", "lunes", "martes", "miércoles", "jueves",
               "viernes", "sábado", "domingo", "hoy", "ayer", "de", "del", "el"),
    ),
    "it": LanguageCues(
        articles=("il", "lo", "la", "i", "gli", "le", "l", "un", "uno", "una"),
        places=("su", "sul", "sulla", "sullo", "sui", "sugli", "nel", "nella", "in", "da", "dal", "dalla",
                "dallo", "di", "del", "della", "a", "al", "alla", "per", "de"),
        origins=("da", "dal", "dalla", "dallo", "tratto da", "tratta da", "ripreso da", "ripresa da"),
        pieces=("articolo", "articoli", "intervista", "editoriale", "commento", "rubrica", "lettera", "testo",
                "pezzo", "servizio", "reportage", "nota", "notizia", "cronaca", "apparso", "apparsa", "pubblicato",
                "pubblicata", "uscito", "uscita", "tratto", "tratta", "segnaliamo", "ecco", "inchiesta",
                "originariamente", "originalmente", "inizialmente"),
        pointers=("leggi", "leggere", "continua a leggere", "leggibile", "clicca", "consulta", "vai"),
        bylines=("di", "scritto da", "scritta da", "a cura di", "a firma di", "firmato da", "articolo di",
                 "un articolo di", "intervista di", "pubblicato da", "l articolo di"),
        roles=("giornalista", "professore", "professoressa", "prof", "dottore", "dott", "direttore", "direttrice",
               "corrispondente", "inviato", "inviata", "editorialista", "analista", "economista", "il", "la",
               "nostro", "nostra"),
        outlet_nouns=("giornale", "quotidiano", "settimanale", "mensile", "rivista", "sito", "blog", "edizione",
                      "inserto", "pagina", "testata", "online"),
        reporting=("secondo", "riporta", "riferisce", "scrive", "ha detto", "dichiara", "a dare la notizia",
                   "annuncia", "cita", "leggo", "trovo"),
        images=("foto", "immagine", "immagini", "fotografia", "illustrazione", "video", "grafico", "credito",
                "crediti"),
        asides=("leggi anche", "vedi anche", "potrebbe interessarti", "articoli correlati",
                "ti potrebbe interessare"),
        promos=("iscriviti", "abbonati", "abbonamento", "newsletter", "cookie", "cookies", "condividi su",
                "condividi questo"),
        dates=("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre",
               "ottobre", "novembre", "dicembre", "gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set",
               "ott", "nov", "dic", "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica",
               "oggi", "ieri", "del", "di", "n"),
    ),
    "pt": LanguageCues(
        articles=("o", "a", "os", "as", "um", "uma"),
        places=("em", "no", "na", "nos", "nas", "do", "da", "dos", "das", "de", "para", "pelo", "pela"),
        origins=("do", "da", "retirado de", "retirado do", "extraído de", "extraído do", "reproduzido de"),
        pieces=("artigo", "coluna", "crônica", "crónica", "reportagem", "matéria", "notícia", "texto",
                "entrevista", "editorial", "opinião", "publicado", "publicada", "saiu", "divulgado", "publica",
                "originalmente", "inicialmente", "primeiramente"),
        pointers=("leia", "ler", "veja", "confira", "acesse", "clique", "saiba mais"),
        bylines=("por", "escrito por", "escrita por", "artigo de", "coluna de", "texto de", "reportagem de",
                 "entrevista a", "artigo de opinião de", "crônica de"),
        roles=("jornalista", "professor", "professora", "doutor", "doutora", "docente", "pesquisador",
               "pesquisadora", "correspondente", "colunista", "editor", "o", "a"),
        outlet_nouns=("jornal", "revista", "site", "portal", "blog", "edição", "semanário", "caderno", "seção",
                      "secção"),
        reporting=("segundo", "de acordo com", "informou", "informa", "disse", "afirma", "conforme",
                   "levantamento"),
        images=("foto", "fotos", "fotografia", "imagem", "imagens", "ilustração", "vídeo", "gráfico", "crédito",
                "divulgação", "reprodução"),
        asides=("leia também", "veja também", "ver também", "vêr também", "relacionadas", "mais lidas"),
        promos=("assine", "assinatura", "assinante", "newsletter", "cookies", "subscrição", "inscreva se",
                "cadastre se", "compartilhe", "partilhe este"),
        dates=("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro",
               "outubro", "novembro", "dezembro", "segunda", "terça", "quarta", "quinta", "sexta", "sábado",
               "domingo", "hoje", "ontem", "em", "de"),
    ),
    "nl": LanguageCues(
        articles=("de", "het", "een", "t"),
        places=("in", "op", "bij", "van", "uit", "voor", "met"),
        origins=("uit", "overgenomen van", "overgenomen uit", "met toestemming van"),
        pieces=("artikel", "column", "opiniestuk", "stuk", "interview", "essay", "reportage", "bericht", "tekst",
                "commentaar", "recensie", "verschenen", "verscheen", "gepubliceerd", "publiceerde", "eerder",
                "oorspronkelijk", "rubriek", "opinie"),
        pointers=("lees", "lezen", "bekijk", "lees verder", "lees meer", "klik"),
        bylines=("door", "geschreven door", "een essay van", "column van", "een column van", "essay van",
                 "artikel van", "een artikel van", "interview door", "een interview van"),
        roles=("journalist", "verslaggever", "correspondent", "redacteur", "columnist", "hoogleraar", "professor",
               "prof", "dr", "onze", "onze redacteur"),
        outlet_nouns=("krant", "dagblad", "weekblad", "tijdschrift", "blad", "website", "site", "blog", "editie"),
        reporting=("volgens", "meldt", "meldde", "schrijft", "schreef", "zegt", "zei", "aldus", "interviewde"),
        images=("foto", "fotos", "beeld", "afbeelding", "illustratie", "video", "grafiek"),
        asides=("lees ook", "zie ook", "meer over", "gerelateerd", "ook interessant"),
        promos=("abonneer", "abonnement", "abonnee", "nieuwsbrief", "cookies", "schrijf je in", "aanmelden",
                "deel dit", "deel via"),
        dates=("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
               "oktober", "november", "december", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag",
               "zaterdag", "zondag", "vandaag", "gisteren", "van"),
    ),
    "el": LanguageCues(
        articles=("ο", "η", "το", "οι", "τα", "του", "της", "των", "τον", "την"),
        places=("στα", "στην", "στη", "στο", "στον", "στις", "στους", "σε", "από", "για"),
        origins=("από",),
        pieces=("άρθρο", "συνέντευξη", "δημοσιεύθηκε", "δημοσιεύτηκε", "δημοσίευση", "ανάρτηση", "κείμενο",
                "στήλη", "εφημερίδα"),
        pointers=("διαβάστε", "διαβάσετε", "δείτε"),
        bylines=("γράφει ο", "γράφει η", "γράφει", "άρθρο του", "άρθρο της"),
        outlet_nouns=("εφημερίδα", "ιστοσελίδα", "περιοδικό"),
        reporting=("σύμφωνα", "μεταδίδει", "αναφέρει"),
        images=("φωτογραφία", "φωτο", "εικόνα"),
        asides=("διαβάστε επίσης", "δείτε επίσης"),
        dates=("ιανουαρίου", "φεβρουαρίου", "μαρτίου", "απριλίου", "μαΐου", "ιουνίου", "ιουλίου", "αυγούστου",
               "σεπτεμβρίου", "οκτωβρίου", "νοεμβρίου", "δεκεμβρίου"),
    ),
    "pl": LanguageCues(
        places=("w", "we", "na", "dla", "z"),
        origins=("za",),
        pieces=("artykuł", "tekst", "wywiad", "felieton", "opublikowany", "opublikowana", "ukazał", "ukazała",
                "rozmowie"),
        pointers=("czytaj", "przeczytaj"),
        bylines=("rozmawia", "rozmawiał", "rozmawiała", "opracował", "opracowała", "autor", "autorka"),
        reporting=("według", "jak podaje", "podaje", "posłużyła"),
        images=("fot", "foto", "zdjęcie", "rys", "grafika", "grafikę", "ilustracja", "prawa autorskie",
                "skany"),
        asides=("czytaj też", "czytaj także", "zobacz też", "zobacz także"),
        promos=("newsletter", "zapisz się", "cookies", "subskrybuj"),
        dates=("stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września",
               "października", "listopada", "grudnia", "r"),
    ),
    "sv": LanguageCues(
        articles=("den", "det", "en", "ett"),
        places=("i", "på", "från", "hos", "för"),
        origins=("från",),
        pieces=("artikel", "artikeln", "debattartikel", "krönika", "ledare", "intervju", "text", "publicerad",
                "publicerades", "publicerade", "införd", "debatt"),
        pointers=("läs", "läs artikeln", "läs mer"),
        bylines=("av", "skriven av", "skriver", "skrev"),
        roles=("statsvetaren", "journalisten", "ledarskribent", "professor", "docent"),
        reporting=("enligt", "uppger", "rapporterar", "berättar"),
        images=("foto", "bild"),
        asides=("läs också", "läs även"),
        promos=("logga in", "prenumerera", "nyhetsbrev", "cookies"),
        dates=("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
               "november", "december", "den"),
    ),
    "da": LanguageCues(
        articles=("den", "det", "en", "et"),
        places=("i", "på", "fra", "hos", "for"),
        origins=("fra",),
        pieces=("artikel", "kronik", "klumme", "indlæg", "debatindlæg", "bragt", "bragte", "trykt",
                "offentliggjort"),
        pointers=("læs",),
        bylines=("af", "skrevet af"),
        reporting=("ifølge",),
        images=("foto", "billede"),
        asides=("læs også",),
        dates=("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
               "november", "december"),
    ),
    "ca": LanguageCues(
        articles=("el", "la", "els", "les", "l"),
        places=("a", "al", "en", "de", "del"),
        pieces=("article", "publicat", "publicada", "aparegut", "entrevista"),
        bylines=("per", "escrit per"),
        reporting=("segons", "consultades"),
        images=("foto", "imatge"),
        promos=("subscriptor", "subscriptors", "subscriu"),
    ),
    "ro": LanguageCues(
        places=("în", "in", "pe", "din", "la", "pentru"),
        pieces=("articol", "articolul", "apare", "apărut", "publicat", "publicată", "interviu", "text"),
        pointers=("citește", "citeste", "citiți", "puteți citi", "puteti citi", "citi"),
        bylines=("de", "autor"),
        reporting=("potrivit", "conform"),
        images=("foto", "fotografie", "imagine"),
        dates=("ianuarie", "februarie", "martie", "aprilie", "mai", "iunie", "iulie", "august", "septembrie",
               "octombrie", "noiembrie", "decembrie", "azi", "ieri"),
    ),
}


def _all(part: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(word for cues in LANGUAGES.values() for word in getattr(cues, part)))


@dataclass(frozen=True)
class CueTable:
    """Every language's cues merged, per part (a line does not say its language)."""

    articles: tuple[str, ...] = field(default_factory=lambda: _all("articles"))
    places: tuple[str, ...] = field(default_factory=lambda: _all("places"))
    origins: tuple[str, ...] = field(default_factory=lambda: _all("origins"))
    pieces: tuple[str, ...] = field(default_factory=lambda: _all("pieces"))
    pointers: tuple[str, ...] = field(default_factory=lambda: _all("pointers"))
    bylines: tuple[str, ...] = field(default_factory=lambda: _all("bylines"))
    roles: tuple[str, ...] = field(default_factory=lambda: _all("roles"))
    outlet_nouns: tuple[str, ...] = field(default_factory=lambda: _all("outlet_nouns"))
    reporting: tuple[str, ...] = field(default_factory=lambda: _all("reporting"))
    images: tuple[str, ...] = field(default_factory=lambda: _all("images"))
    asides: tuple[str, ...] = field(default_factory=lambda: _all("asides"))
    promos: tuple[str, ...] = field(default_factory=lambda: _all("promos"))
    dates: tuple[str, ...] = field(default_factory=lambda: _all("dates"))


ARTICLES: tuple[str, ...] = _all("articles")
OUTLET_NOUNS: tuple[str, ...] = _all("outlet_nouns")

# Last words of an outlet's name that people leave out: "die Süddeutsche" for "Süddeutsche Zeitung".
GENERIC_NAME_ENDINGS: frozenset[str] = frozenset(
    {"zeitung", "tagblatt", "tageblatt", "zeitschrift", "online", "digital", "aktuell", "magazin", "magazine"}
)

# First labels of a host that name no outlet ("www", "news" in news.example.org).
GENERIC_SUBDOMAINS: frozenset[str] = frozenset(
    {"www", "www2", "www3", "news", "blog", "blogs", "edition", "amp", "mobile", "english", "article",
     "articles", "online", "home", "site", "web", "portal", "static", "media", "archive", "archives"}
)

# Greek bylines put the name in the genitive ("Του Χάρη Ανδρεόπουλου"); the nominative is what
# a reader gives. Endings per article: (genitive ending, nominative ending), longest first.
GENITIVE_BYLINES: dict[str, tuple[tuple[str, str], ...]] = {
    "του": (("ου", "ος"), ("ού", "ός"), ("η", "ης"), ("ή", "ής"), ("α", "ας"), ("ά", "άς")),
    "της": (("ας", "α"), ("άς", "ά"), ("ης", "η"), ("ής", "ή")),
}
