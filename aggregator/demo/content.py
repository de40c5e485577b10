"""Deterministic article text for the demo web, in English, French and German.

The corpus is the project's own: sentence templates whose slots are filled from small word lists.
Templates keep their fixed word runs short and almost every slot is article-specific (topic
nouns, numbers, names), so two different articles share very few word 5-grams while one article
copied elsewhere shares nearly all of them. That is what a near-duplicate matcher needs to be
tested against: copies that match and unrelated articles that do not.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

LANGUAGES = ("en", "fr", "de")
MIN_PARAGRAPHS, MAX_PARAGRAPHS = 4, 12
MIN_PARAGRAPH_WORDS, MAX_PARAGRAPH_WORDS = 40, 120


@dataclass(frozen=True)
class DemoArticle:
    """One generated article: its metadata and its body as plain-text paragraphs."""

    title: str
    author: str
    published: datetime
    language: str
    topic: str
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        """The body as plain text, paragraphs separated by a blank line."""
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True)
class LanguageCorpus:
    """Everything needed to write articles in one language."""

    topics: dict[str, tuple[str, ...]]  # topic phrase -> nouns that belong to it
    generic_things: tuple[str, ...]
    titles: tuple[str, ...]
    sentences: tuple[str, ...]
    slots: dict[str, tuple[str, ...]]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    comments: tuple[str, ...]
    editor_leads: tuple[str, ...]


ENGLISH = LanguageCorpus(
    topics={
        "remote onboarding": ("welcome checklist", "buddy system", "first-week schedule", "shared handbook",
                              "laptop hand-over"),
        "open data portals": ("dataset catalogue", "licence page", "download counter", "metadata schema",
                              "search box"),
        "urban cycling lanes": ("protected lane", "junction design", "bike counter", "parking rack",
                                "traffic island"),
        "community beekeeping": ("hive inspection", "honey harvest", "swarm trap", "apiary rota",
                                 "smoker fuel"),
        "small-batch coffee roasting": ("roast profile", "green bean order", "cupping session",
                                        "cooling tray", "drum thermometer"),
        "library makerspaces": ("laser cutter", "booking sheet", "mentor scheme", "safety briefing",
                                "filament shelf"),
        "rainwater harvesting": ("storage tank", "gutter filter", "overflow pipe", "pump timer",
                                 "rain gauge"),
        "neighbourhood repair cafés": ("spare parts box", "repair log", "soldering station",
                                       "waiting list", "toaster queue"),
        "database migrations": ("schema change", "rollback script", "staging copy", "lock timeout",
                                "migration runbook"),
        "on-call rotations": ("pager alert", "handover note", "incident review", "escalation path",
                              "quiet-hours rule"),
        "accessible web forms": ("error message", "focus order", "label text", "screen reader test",
                                 "contrast check"),
        "static site generators": ("build step", "template partial", "asset pipeline", "preview link",
                                   "content folder"),
        "seed libraries": ("seed packet", "germination test", "lending card", "heritage tomato",
                           "swap table"),
        "night train travel": ("sleeper cabin", "border station", "dining car", "ticket splitter",
                               "luggage rack"),
        "school garden projects": ("raised bed", "compost heap", "watering rota", "harvest lunch",
                                   "tool shed"),
    },
    generic_things=("budget spreadsheet", "weekly meeting", "shared calendar", "feedback form", "status page",
                    "printed manual", "team chat", "supplier contract", "monthly report", "whiteboard"),
    titles=(
        "What {n} months of {topic} taught us", "{topic}: three mistakes to avoid",
        "Why getting {topic} right is harder than it looks", "A practical guide to {topic}",
        "{topic} without the hype",
        "How we rethought {topic}", "The quiet economics of {topic}", "Lessons in {topic} from {place}",
        "Getting started with {topic}", "{topic}: is it worth the effort?",
    ),
    sentences=(
        "{time}, {actor} {verb} the {thing} in {place}.",
        "The {thing} turned out {adj}, and {result}.",
        "{n} of the {m} people we asked found the {thing} {adj}.",
        "\u201c{quote}\u201d, says {person}, who {verb} the {thing} {time}.",
        "{actor} {verb} the {thing} {reason}.",
        "After {n} weeks in {place}, the {thing} still looked {adj}.",
        "We {verb} the {thing} twice; the second time, {result}.",
        "Without the {thing}, {topic} in {place} would have cost {n} hundred euros more.",
        "{person} kept notes on the {thing} for {n} days.",
        "Some readers call the {thing} {adj}; {actor} disagrees.",
        "The lesson from {place} is {adj}: {result}.",
        "Next, {actor} {verb} the {thing} {time}.",
        "Around {n} percent of the {topic} budget went to the {thing}.",
        "{actor} {verb} the {thing}, then {verb} the {thing} as well.",
        "In {place}, {person} {verb} the {thing} {reason}.",
    ),
    slots={
        "actor": ("the team", "our editor", "the project lead", "the steering group", "a council officer",
                  "the newest volunteer", "the maintainer", "a visiting researcher", "the evening crew",
                  "the support desk", "the treasurer", "our intern"),
        "verb": ("rebuilt", "measured", "simplified", "questioned", "documented", "tested", "replaced",
                 "moved", "reviewed", "redesigned", "shared", "postponed", "mapped", "rewrote", "timed",
                 "audited", "borrowed", "patched", "compared", "cleaned up"),
        "adj": ("modest", "surprising", "stubborn", "welcome", "costly", "gradual", "measurable", "uneven",
                "fragile", "practical", "noisy", "reliable", "clumsy", "tidy", "brittle"),
        "place": ("Leeds", "Porto", "Tampere", "Ghent", "Bristol", "Lyon", "Krakow", "Utrecht", "Bilbao",
                  "Aarhus", "Graz", "Dundee", "Bologna", "Cork", "Malmo"),
        "time": ("last spring", "in early March", "over the winter", "during the pilot",
                 "after the first audit", "by the end of the quarter", "on a rainy Tuesday",
                 "within a fortnight", "before the summer break", "in the second week", "late in October"),
        "result": ("the queue got shorter", "nobody missed the old way", "the costs fell by a third",
                   "complaints dried up", "two volunteers came back", "the numbers finally added up",
                   "the mornings got calmer", "half the steps disappeared", "we slept better",
                   "the backlog shrank", "the neighbours noticed", "errors became rare"),
        "reason": ("because the budget was tight", "after a long argument", "to save an afternoon a week",
                   "since nobody owned it", "when the supplier changed", "at the request of members",
                   "for the annual review", "before the inspectors came", "out of sheer curiosity",
                   "after a power cut"),
        "quote": ("Start small and write everything down", "Boring is a feature", "We broke it twice first",
                  "The people matter more than the tools", "Measure before you argue",
                  "Nobody reads the manual, so we shortened it", "It worked better than we feared",
                  "Ask the people who do the work", "Cheap fixes last longer than you think",
                  "Our first plan was wrong in a useful way"),
    },
    first_names=("Alice", "Ben", "Chloe", "Daniel", "Emma", "Finn", "Grace", "Harry", "Isla", "Jack", "Leah",
                 "Owen", "Priya", "Sam"),
    last_names=("Walker", "Hughes", "Patel", "Murphy", "Clarke", "Turner", "Evans", "Bennett", "Shaw",
                "Reid", "Lawson", "Doyle", "Harper", "Quinn"),
    comments=("Thanks, this is exactly what we needed for our own group.", "Great write-up!",
              "Did you try the same thing in winter?", "We had the opposite experience, oddly.",
              "Bookmarked for the next committee meeting.", "Any chance you could share the template?"),
    editor_leads=("Our pick of the week, lightly trimmed for length.",
                  "We found this piece worth sharing with our readers; some passages are shortened."),
)

FRENCH = LanguageCorpus(
    topics={
        "l'accueil des nouveaux salariés": ("la check-list d'arrivée", "la semaine d'intégration",
                                            "la charte interne", "la réunion d'accueil",
                                            "la remise du badge"),
        "la veille concurrentielle": ("la revue de presse", "la grille d'analyse", "la note hebdomadaire",
                                      "l'alerte par mot-clé", "la base de contacts"),
        "la mobilité douce en ville": ("la piste cyclable", "la zone apaisée", "la station de vélos",
                                       "la signalisation", "l'enquête auprès des riverains"),
        "la gestion des archives": ("la salle des archives", "la numérisation", "la cote des dossiers",
                                    "l'inventaire annuel", "la boîte de conservation"),
        "l'animation d'une communauté": ("la newsletter", "la rencontre mensuelle", "la charte de modération",
                                         "l'annuaire des membres", "la foire aux questions"),
        "la rénovation énergétique": ("l'isolation des combles", "la pompe à chaleur", "la facture d'énergie",
                                      "l'audit thermique", "la ventilation"),
        "la formation des bénévoles": ("la fiche pratique", "la session du samedi", "la mallette pédagogique",
                                       "l'évaluation finale", "la liste d'attente"),
        "l'épicerie coopérative": ("la commande groupée", "la permanence du jeudi", "la caisse commune",
                                   "la chambre froide", "l'étagère du vrac"),
        "la documentation technique": ("la page d'accueil du wiki", "la procédure de déploiement",
                                       "la relecture croisée", "la table des matières",
                                       "l'index des erreurs"),
    },
    generic_things=("la feuille de budget", "la réunion du lundi", "l'agenda partagé", "la boîte à idées",
                    "la messagerie interne", "la convention de partenariat", "l'enquête de satisfaction",
                    "la salle de réunion", "la synthèse mensuelle", "l'ancienne procédure"),
    titles=(
        "Ce que {n} mois d'expérience nous ont appris sur {topic}", "{topic} : trois erreurs à éviter",
        "Pourquoi {topic} est plus difficile qu'il n'y paraît", "Un guide pratique pour {topic}",
        "{topic}, sans le battage", "Comment nous avons repensé {topic}", "L'économie discrète de {topic}",
        "Carnet de bord : {topic} à {place}", "Leçons de {place} sur {topic}",
        "Faut-il vraiment miser sur {topic} ?",
    ),
    sentences=(
        "{time}, {actor} {verb} {thing} à {place}.",
        "On a trouvé {thing} plutôt {adj}, et {result}.",
        "{n} personnes sur {m} ont jugé {thing} {adj}.",
        "\u00ab {quote} \u00bb, explique {person}, qui {verb} {thing} {time}.",
        "{actor} {verb} {thing} {reason}.",
        "Après {n} semaines à {place}, on trouvait {thing} toujours aussi {adj}.",
        "On {verb} {thing} deux fois ; la seconde fois, {result}.",
        "Sans {thing}, {topic} à {place} aurait coûté {n} centaines d'euros de plus.",
        "{person} a tenu un carnet sur {thing} pendant {n} jours.",
        "Certains lecteurs trouvent {thing} trop {adj} ; {actor} n'est pas d'accord.",
        "La leçon de {place} est {adj} : {result}.",
        "Ensuite, {actor} {verb} {thing} {time}.",
        "Environ {n} % du budget consacré à {topic} est allé vers {thing}.",
        "{actor} {verb} {thing}, puis {verb} {thing} dans la foulée.",
        "À {place}, {person} {verb} {thing} {reason}.",
    ),
    slots={
        "actor": ("notre équipe", "la rédaction", "le chef de projet", "le comité de pilotage",
                  "une élue locale", "la nouvelle bénévole", "le responsable technique",
                  "une chercheuse invitée", "l'équipe du soir", "le service client", "la trésorière",
                  "notre stagiaire"),
        "verb": ("a reconstruit", "a mesuré", "a simplifié", "a remis en question", "a documenté", "a testé",
                 "a remplacé", "a déplacé", "a relu", "a redessiné", "a partagé", "a reporté",
                 "a cartographié", "a réécrit", "a chronométré", "a audité", "a emprunté", "a réparé",
                 "a comparé", "a nettoyé"),
        "adj": ("utile", "fragile", "simple", "rapide", "efficace", "stable", "visible", "modeste", "solide",
                "lisible", "pratique", "durable", "souple", "sobre", "fiable"),
        "place": ("Lyon", "Nantes", "Rennes", "Lille", "Grenoble", "Bordeaux", "Dijon", "Montpellier",
                  "Strasbourg", "Brest", "Tours", "Angers", "Liège", "Namur", "Genève"),
        "time": ("au printemps dernier", "début mars", "pendant l'hiver", "pendant la phase pilote",
                 "après le premier audit", "à la fin du trimestre", "un mardi pluvieux",
                 "en moins de quinze jours",
                 "avant la pause estivale", "dès la deuxième semaine", "fin octobre"),
        "result": ("la file d'attente a raccourci", "personne n'a regretté l'ancienne méthode",
                   "les coûts ont baissé d'un tiers", "les plaintes se sont taries",
                   "deux bénévoles sont revenus", "les chiffres ont enfin collé",
                   "les matinées sont plus calmes",
                   "la moitié des étapes a disparu", "tout le monde a mieux dormi", "le retard s'est résorbé",
                   "les voisins l'ont remarqué", "les erreurs sont devenues rares"),
        "reason": ("parce que le budget était serré", "après une longue discussion",
                   "pour gagner un après-midi par semaine", "faute de responsable désigné",
                   "quand le fournisseur a changé", "à la demande des adhérents", "pour le bilan annuel",
                   "avant la visite des inspecteurs", "par simple curiosité", "après une coupure de courant"),
        "quote": ("Commencez petit et notez tout", "L'ennui est une qualité", "On l'a cassé deux fois avant",
                  "Les gens comptent plus que les outils", "Mesurez avant de débattre",
                  "Personne ne lit le manuel, alors on l'a raccourci", "Ça a mieux marché que prévu",
                  "Demandez à ceux qui font le travail", "Les réparations simples durent longtemps",
                  "Notre premier plan était faux, mais utilement"),
    },
    first_names=("Camille", "Hugo", "Léa", "Julien", "Manon", "Nicolas", "Sarah", "Thomas", "Inès", "Mathieu",
                 "Claire", "Antoine"),
    last_names=("Renaud", "Marchand", "Fontaine", "Lefèvre", "Girard", "Bonnet", "Mercier", "Rousseau",
                "Garnier", "Chevalier", "Perrin", "Morel"),
    comments=("Merci pour ce retour d'expérience très concret !", "Article très utile, je partage.",
              "Avez-vous essayé la même chose en hiver ?", "Chez nous, c'est l'inverse qui s'est produit.",
              "Je garde ça pour notre prochaine réunion.", "Pourriez-vous partager le modèle ?"),
    editor_leads=("Notre sélection de la semaine, légèrement raccourcie.",
                  "Nous reprenons ce billet qui nous a plu ; certains passages ont été resserrés."),
)

GERMAN = LanguageCorpus(
    # German grammar note: every noun phrase here is feminine, neuter or plural, so the nominative
    # and accusative forms are identical and one string fits every template slot.
    topics={
        "die Einarbeitung neuer Kollegen": ("die Checkliste", "das Patenprogramm", "die erste Arbeitswoche",
                                            "das Handbuch", "die Laptop-Übergabe"),
        "die Lagerhaltung im Verein": ("die Inventurliste", "das Regalsystem", "die Ausleihkarte",
                                       "die Materialkiste", "das Etikettengerät"),
        "die Energieberatung": ("die Wärmepumpe", "das Heizprotokoll", "die Dämmung",
                                "die Stromrechnung", "das Messgerät"),
        "die Stadtteilbibliothek": ("die Leseecke", "das Ausleihsystem", "die Buchspende",
                                    "die Vorlesestunde", "das Schwarze Brett"),
        "die Datensicherung": ("die Sicherungskopie", "das Wiederherstellungsprotokoll", "die Festplatte",
                               "das Prüfskript", "die Aufbewahrungsregel"),
        "die Bürgerwerkstatt": ("die Hobelbank", "das Werkzeugregal", "die Sicherheitseinweisung",
                                "die Reparaturliste", "das Ersatzteillager"),
        "die Schulverpflegung": ("die Speisekarte", "das Hochbeet", "die Küchenwaage",
                                 "die Elternumfrage", "das Abfallprotokoll"),
        "die Vereinsbuchhaltung": ("die Kassenprüfung", "das Beitragskonto", "die Spendenquittung",
                                   "die Belegmappe", "das Haushaltsblatt"),
    },
    generic_things=("die Budgettabelle", "die Montagsrunde", "das Feedbackformular", "die Statusseite",
                    "das gedruckte Handbuch", "die Teamchat-Gruppe", "die Monatsübersicht",
                    "die Whiteboard-Skizze",
                    "die alte Vorgehensweise", "die Lieferantenliste"),
    titles=(
        "{topic}: drei Fehler, die man vermeiden sollte", "Warum {topic} schwieriger ist, als es aussieht",
        "Ein Praxisleitfaden für {topic}", "{topic} ohne Hype", "Wie wir {topic} neu gedacht haben",
        "Notizen aus {place}: {topic}", "Lohnt sich {topic} wirklich?", "{topic} im Alltag von {place}",
        "Lehren aus {n} Monaten: {topic}", "Was {topic} wirklich kostet",
    ),
    sentences=(
        "{time} hat {actor} {thing} in {place} {verb}.",
        "Am Ende war {thing} {adj}, und {result}.",
        "{n} von {m} Befragten fanden {thing} {adj}.",
        "\u201e{quote}\u201c, sagt {person} aus {place}.",
        "{actor} hat {thing} {verb}, {reason}.",
        "Nach {n} Wochen in {place} wirkte {thing} immer noch {adj}.",
        "Wir haben {thing} zweimal {verb}. Das Ergebnis: {result}.",
        "Ohne {thing} hätte {topic} in {place} rund {n} hundert Euro mehr gekostet.",
        "{person} hat {n} Tage lang Notizen über {thing} geführt.",
        "Manche Leser halten {thing} für {adj}; {actor} sieht das anders.",
        "Die Lehre aus {place} ist {adj}: {result}.",
        "Danach hat {actor} {thing} {time} {verb}.",
        "Rund {n} Prozent des Budgets für {topic} flossen in {thing}.",
        "{actor} hat {thing} {verb} und danach auch {thing} {verb}.",
        "In {place} hat {person} {thing} {verb}, {reason}.",
    ),
    slots={
        "actor": ("das Team", "die Redaktion", "die Projektleiterin", "der Vorstand", "eine Stadträtin",
                  "die neue Freiwillige", "der Hausmeister", "eine Gastforscherin", "die Abendschicht",
                  "der Kundendienst", "die Kassenwartin", "unser Praktikant"),
        "verb": ("umgebaut", "vermessen", "vereinfacht", "hinterfragt", "dokumentiert", "getestet", "ersetzt",
                 "verschoben", "überarbeitet", "neu gestaltet", "geteilt", "vertagt", "kartiert",
                 "neu geschrieben", "gestoppt", "geprüft", "ausgeliehen", "repariert", "verglichen",
                 "aufgeräumt"),
        "adj": ("einfach", "teuer", "robust", "nützlich", "zäh", "überraschend", "brauchbar", "sperrig",
                "solide", "fragil", "praktisch", "mühsam", "lehrreich", "verlässlich", "übersichtlich"),
        "place": ("Graz", "Leipzig", "Freiburg", "Kassel", "Münster", "Bremen", "Linz", "Basel", "Erfurt",
                  "Rostock", "Regensburg", "Bern", "Ulm", "Trier", "Potsdam"),
        "time": ("im letzten Frühjahr", "Anfang März", "über den Winter", "während der Pilotphase",
                 "nach der ersten Prüfung", "zum Quartalsende", "an einem verregneten Dienstag",
                 "innerhalb von zwei Wochen", "vor der Sommerpause", "in der zweiten Woche", "Ende Oktober"),
        "result": ("die Warteschlange wurde kürzer", "niemand vermisste den alten Weg",
                   "die Kosten sanken um ein Drittel", "die Beschwerden hörten auf",
                   "zwei Freiwillige kamen zurück", "die Zahlen stimmten endlich",
                   "die Vormittage wurden ruhiger",
                   "die Hälfte der Schritte fiel weg", "alle schliefen besser", "der Rückstand schrumpfte",
                   "die Nachbarn merkten es", "Fehler wurden selten"),
        "reason": ("weil das Budget knapp war", "nach einer langen Diskussion",
                   "um einen Nachmittag pro Woche zu sparen", "weil niemand zuständig war",
                   "als der Lieferant wechselte", "auf Wunsch der Mitglieder", "für den Jahresbericht",
                   "bevor die Prüfer kamen", "aus reiner Neugier", "nach einem Stromausfall"),
        "quote": ("Klein anfangen und alles aufschreiben", "Langweilig ist eine Stärke",
                  "Wir haben es zweimal kaputt gemacht", "Menschen sind wichtiger als Werkzeuge",
                  "Erst messen, dann streiten", "Niemand liest das Handbuch, also haben wir es gekürzt",
                  "Es lief besser als befürchtet", "Fragt die Leute, die die Arbeit machen",
                  "Einfache Reparaturen halten lange", "Unser erster Plan war auf nützliche Weise falsch"),
    },
    first_names=("Anna", "Jonas", "Lena", "Felix", "Miriam", "Tobias", "Sophie", "Lukas", "Katrin", "Moritz",
                 "Hanna", "Stefan"),
    last_names=("Becker", "Hoffmann", "Schulz", "Krüger", "Wagner", "Brandt", "Vogel", "Lorenz", "Keller",
                "Seidel", "Franke", "Winkler"),
    comments=("Danke für den ehrlichen Erfahrungsbericht!", "Sehr hilfreich, vielen Dank.",
              "Habt ihr das auch im Winter ausprobiert?", "Bei uns war es genau umgekehrt.",
              "Das nehme ich mit in unsere nächste Sitzung.", "Könnt ihr die Vorlage teilen?"),
    editor_leads=("Unsere Empfehlung der Woche, leicht gekürzt.",
                  "Wir übernehmen diesen Beitrag, weil er uns gefallen hat; einige Absätze sind gekürzt."),
)

CORPORA: dict[str, LanguageCorpus] = {"en": ENGLISH, "fr": FRENCH, "de": GERMAN}

_SLOT = re.compile(r"\{(\w+)\}")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def capitalise_first_letter(text: str) -> str:
    """Upper-case the first letter of ``text``, skipping leading quotes and punctuation, not digits."""
    for index, char in enumerate(text):
        if char.isdigit():
            return text  # "3 personnes sur 20 …": nothing to capitalise
        if char.isalpha():
            return text[:index] + char.upper() + text[index + 1 :]
    return text


class ArticleGenerator:
    """A seeded writer of demo articles; topics are never reused, so every article is different.

    The same seed and the same sequence of calls always produce the same articles.
    """

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)
        self._unused_topics = {language: list(CORPORA[language].topics) for language in LANGUAGES}
        for topics in self._unused_topics.values():
            self._rng.shuffle(topics)

    def people(self, language: str, count: int) -> list[str]:
        """``count`` distinct plausible person names for ``language``."""
        corpus = CORPORA[language]
        firsts = self._rng.sample(corpus.first_names, count)
        lasts = self._rng.sample(corpus.last_names, count)
        return [f"{first} {last}" for first, last in zip(firsts, lasts, strict=True)]

    def articles(
        self, language: str, count: int, *, authors: list[str], newest: datetime
    ) -> list[DemoArticle]:
        """``count`` articles in ``language``, newest first, published a few days apart before ``newest``."""
        if count > len(self._unused_topics[language]):
            left = len(self._unused_topics[language])
            raise ValueError(f"the {language} corpus has only {left} topics left")
        written: list[DemoArticle] = []
        published = newest.astimezone(UTC).replace(second=0, microsecond=0)
        for _ in range(count):
            topic = self._unused_topics[language].pop()
            written.append(self._article(language, topic, self._rng.choice(authors), published))
            published -= timedelta(days=self._rng.randint(2, 9), hours=self._rng.randint(0, 7),
                                   minutes=self._rng.randint(0, 59))
        return written

    def comments(self, language: str, count: int) -> list[tuple[str, str]]:
        """``count`` reader comments as (commenter name, text); boilerplate around an article."""
        corpus = CORPORA[language]
        names = self.people(language, count)
        return [(name, self._rng.choice(corpus.comments)) for name in names]

    def edited_paragraphs(self, article: DemoArticle) -> tuple[str, ...]:
        """An edited copy of ``article``'s body.

        An editor's lead paragraph is added, one sentence is cut, and the last paragraph is dropped.
        """
        corpus = CORPORA[article.language]
        paragraphs = list(article.paragraphs[:-1])
        sentences = _SENTENCE_END.split(paragraphs[1])
        if len(sentences) > 2:
            del sentences[self._rng.randrange(1, len(sentences))]
            paragraphs[1] = " ".join(sentences)
        return (self._rng.choice(corpus.editor_leads), *paragraphs)

    def _article(self, language: str, topic: str, author: str, published: datetime) -> DemoArticle:
        corpus = CORPORA[language]
        title = capitalise_first_letter(self._fill(self._rng.choice(corpus.titles), corpus, topic))
        paragraph_count = self._rng.randint(MIN_PARAGRAPHS, MAX_PARAGRAPHS)
        paragraphs = tuple(self._paragraph(corpus, topic) for _ in range(paragraph_count))
        return DemoArticle(title=title, author=author, published=published, language=language, topic=topic,
                           paragraphs=paragraphs)

    def _paragraph(self, corpus: LanguageCorpus, topic: str) -> str:
        target = self._rng.randint(MIN_PARAGRAPH_WORDS + 5, MAX_PARAGRAPH_WORDS - 10)
        sentences: list[str] = []
        words = 0
        while words < target:
            sentence = capitalise_first_letter(self._fill(self._rng.choice(corpus.sentences), corpus, topic))
            length = len(sentence.split())
            if words + length > MAX_PARAGRAPH_WORDS and words >= MIN_PARAGRAPH_WORDS:
                break
            sentences.append(sentence)
            words += length
        return " ".join(sentences)

    def _fill(self, template: str, corpus: LanguageCorpus, topic: str) -> str:
        numbers: list[int] = []

        def choose(match: re.Match[str]) -> str:
            slot = match.group(1)
            if slot == "topic":
                return topic
            if slot == "thing":
                # Mostly the topic's own nouns: they make an article's word sequences its own.
                pool = corpus.topics[topic] if self._rng.random() < 0.8 else corpus.generic_things
                return self._rng.choice(pool)
            if slot == "n":
                numbers.append(self._rng.randint(3, 60))
                return str(numbers[-1])
            if slot == "m":  # "{n} of the {m} people": the whole is larger than its part
                return str(self._rng.randint(numbers[-1] + 2, 99) if numbers else self._rng.randint(3, 99))
            if slot == "person":
                return f"{self._rng.choice(corpus.first_names)} {self._rng.choice(corpus.last_names)}"
            return self._rng.choice(corpus.slots[slot])

        return _SLOT.sub(choose, template)
