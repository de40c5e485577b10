"""Generic Scrapy spiders: they take their work from the sources in the database."""
