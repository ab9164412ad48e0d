import GRDB

/// The history's tables, as versioned migrations (docs/history.md describes them). A migration is
/// never edited once released: a change is a new migration appended here.
enum StoreSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: runs, clients, domains, evidence, results") { db in
            try db.execute(sql: """
                CREATE TABLE run (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    started_at DATETIME NOT NULL,
                    finished_at DATETIME,
                    mxaudit_version TEXT NOT NULL,
                    inventory_hash TEXT NOT NULL,
                    settings TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'incomplete')),
                    writer_host TEXT NOT NULL,
                    writer_pid INTEGER NOT NULL,
                    writer_boot_id TEXT,
                    writer_start_ticks INTEGER
                );
                CREATE INDEX run_by_status ON run(status, id);

                CREATE TABLE run_ruleset (
                    run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                    ruleset_id TEXT NOT NULL,
                    version TEXT NOT NULL,
                    digest TEXT NOT NULL,
                    position INTEGER NOT NULL,
                    PRIMARY KEY (run_id, ruleset_id)
                ) WITHOUT ROWID;

                CREATE TABLE run_client (
                    run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                    client_id TEXT NOT NULL,
                    name TEXT NOT NULL,
                    position INTEGER NOT NULL,
                    document TEXT NOT NULL,
                    PRIMARY KEY (run_id, client_id)
                ) WITHOUT ROWID;

                CREATE TABLE run_domain (
                    run_id INTEGER NOT NULL,
                    domain TEXT NOT NULL,
                    client_id TEXT NOT NULL,
                    position INTEGER NOT NULL,
                    recorded_at DATETIME,
                    evidence_schema INTEGER,
                    evidence TEXT,
                    advice TEXT,
                    PRIMARY KEY (run_id, domain),
                    FOREIGN KEY (run_id, client_id) REFERENCES run_client(run_id, client_id) ON DELETE CASCADE
                );
                CREATE INDEX run_domain_by_client ON run_domain(run_id, client_id);
                CREATE INDEX run_domain_by_domain ON run_domain(domain, run_id);

                CREATE TABLE result (
                    run_id INTEGER NOT NULL,
                    domain TEXT NOT NULL,
                    ruleset_id TEXT NOT NULL,
                    rule_id TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    position INTEGER NOT NULL,
                    client_id TEXT NOT NULL,
                    ruleset_version TEXT NOT NULL,
                    rule_title TEXT NOT NULL,
                    level TEXT NOT NULL,
                    scope TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    message TEXT NOT NULL,
                    remediation TEXT,
                    refs TEXT NOT NULL,
                    waiver TEXT,
                    PRIMARY KEY (run_id, domain, ruleset_id, rule_id, subject),
                    FOREIGN KEY (run_id, domain) REFERENCES run_domain(run_id, domain) ON DELETE CASCADE
                ) WITHOUT ROWID;
                CREATE INDEX result_by_domain ON result(domain, run_id);
                """)
        }
        // A rule's title, level, scope, remediation and references are the same in every result of
        // a run: written once per run, not into each of its results (a third of a run's bytes and of
        // the time spent storing them). A table with a rowid takes results in the order they come.
        migrator.registerMigration("v2: a run's rules in their own table, results without their text") { db in
            try db.execute(sql: """
                CREATE TABLE run_rule (
                    run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                    ruleset_id TEXT NOT NULL,
                    rule_id TEXT NOT NULL,
                    ruleset_version TEXT NOT NULL,
                    title TEXT NOT NULL,
                    level TEXT NOT NULL,
                    scope TEXT NOT NULL,
                    remediation TEXT,
                    refs TEXT NOT NULL,
                    PRIMARY KEY (run_id, ruleset_id, rule_id)
                ) WITHOUT ROWID;
                -- Bare columns of one GROUP BY come from one row of the group.
                INSERT INTO run_rule (run_id, ruleset_id, rule_id, ruleset_version, title, level, scope, remediation, refs)
                    SELECT run_id, ruleset_id, rule_id, ruleset_version, rule_title, level, scope, remediation, refs
                    FROM result GROUP BY run_id, ruleset_id, rule_id;

                CREATE TABLE result_v2 (
                    run_id INTEGER NOT NULL,
                    domain TEXT NOT NULL,
                    ruleset_id TEXT NOT NULL,
                    rule_id TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    position INTEGER NOT NULL,
                    client_id TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    message TEXT NOT NULL,
                    waiver TEXT,
                    UNIQUE (run_id, domain, ruleset_id, rule_id, subject),
                    FOREIGN KEY (run_id, domain) REFERENCES run_domain(run_id, domain) ON DELETE CASCADE,
                    FOREIGN KEY (run_id, ruleset_id, rule_id) REFERENCES run_rule(run_id, ruleset_id, rule_id) ON DELETE CASCADE
                );
                INSERT INTO result_v2 (run_id, domain, ruleset_id, rule_id, subject, position, client_id, outcome, message, waiver)
                    SELECT run_id, domain, ruleset_id, rule_id, subject, position, client_id, outcome, message, waiver
                    FROM result ORDER BY run_id, domain, position;
                DROP TABLE result;
                ALTER TABLE result_v2 RENAME TO result;
                CREATE INDEX result_by_domain ON result(domain, run_id);
                """)
        }
        return migrator
    }
}
