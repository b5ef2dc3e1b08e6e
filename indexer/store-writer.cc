/* store-writer.cc - the single writer.
 *
 * An index is one glass folder, or a folder of N glass shards listed in a
 * Xapian stub file, XAPIANDB, that readers open as one database.  Shards
 * let writing use more than one core: with one database, its writer thread
 * was busy for 97 % of an indexing run (10,000 articles, 2 cores), three
 * quarters of that in Xapian's inverter and commits, which are
 * single-threaded per database.  Each article lives in the shard its id
 * hashes to
 * (shard_of()), so an upsert or a delete finds it again; N is fixed when
 * the index is created.
 *
 * Each shard always holds an open transaction: commit ends it durably and
 * starts the next, and destroying the writer cancels whatever was not
 * committed.  With one shard a batch lands whole or not at all, whatever
 * stops the process; with several, a crash during a commit can leave the
 * batch in some shards only.  Either way nothing is reported committed
 * before every shard committed it.
 *
 * Puts come in batches.  The calling thread files each article of a batch
 * in its near-duplicate group, in order; then one thread per shard writes
 * that shard's articles, all shards at once, and the call returns when all
 * are done.  So a Xapian handle is only ever used by one thread at a time,
 * and the caller's documents are untouched once the call returns.
 *
 * Near-duplicates are grouped here, at write time, because only the writer
 * sees every article: the shards' own uncommitted ones too (a
 * WritableDatabase searches its pending changes), and the batch's earlier
 * ones, not yet written, are compared directly.  Each put looks up the
 * articles that share a MinHash band with the new one (dedup.h), compares
 * their signatures, and files the new article in the group of the most
 * similar one at or above SITREP_DEDUP_THRESHOLD; else it starts a group
 * named by its own id.  Grouping is thus by first arrival and transitive: a
 * copy of a copy joins the original's group even when it drifted further
 * from the original. */
#include "store-private.hh"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <mutex>
#include <thread>

#include "dedup.h"
extern "C" {
#include "text.h" /* C, without guards of its own */
}

using sitrep_store::map_exception;

namespace {

/* Candidates compared per put, those sharing the most bands first.  A copy
 * shares nearly all 20 bands; unrelated articles that share one by chance
 * rank below it, so a few dozen is plenty even on a large index. */
constexpr Xapian::doccount max_candidates = 32;

/* The stub file of a sharded index, and its shards' folder names. */
const char stub_name[] = "XAPIANDB";
const char shard_name[] = "shard-%u";

/* One shard's part of a round (see run_round()). */
struct shard_job {
    std::vector<const sitrep_doc *> docs; /* to write, in order */
    bool commit = false;                  /* then commit */
    std::string stamp;                    /* sitrep.last_update for the commit */
    sitrep_status status = SITREP_OK;
    std::string error;
};

} // namespace

struct sitrep_writer {
    std::vector<Xapian::WritableDatabase> shards;
    Xapian::Database all; /* every shard, pending changes included */
    std::vector<shard_job> jobs;
    /* One thread per shard when there are several; they sleep between
     * rounds. */
    std::vector<std::thread> threads;
    std::mutex lock;
    std::condition_variable work, done;
    uint64_t round = 0; /* bumped to start one */
    size_t busy = 0;    /* shards still working on it */
    bool quit = false;
    std::string error;
};

namespace {

/* The shard that holds the article with this id.  Part of the index's
 * format: changing it would lose articles from upserts and deletes. */
size_t shard_of(const sitrep_writer *w, const std::string &id)
{
    return w->shards.size() == 1
               ? 0
               : sitrep_fnv1a(0xcbf29ce484222325ull, id.data(), id.size()) % w->shards.size();
}

/* The terms of doc that start with the prefix of field. */
std::vector<std::string> terms_of(const Xapian::Document &doc, enum sitrep_field field)
{
    const std::string prefix = sitrep_schema[field].prefix;
    std::vector<std::string> out;
    Xapian::TermIterator t = doc.termlist_begin();
    for (t.skip_to(prefix); t != doc.termlist_end(); ++t) {
        if ((*t).compare(0, prefix.size(), prefix) != 0)
            break;
        out.push_back(*t);
    }
    return out;
}

/* The group key for d: that of its most similar earlier copy (written, or
 * among the first n of batch), else its own id.  The article itself (an
 * upsert) is never its own candidate. */
std::string find_group(sitrep_writer *w, const sitrep_doc *d, const sitrep_doc *const *batch,
                       size_t n)
{
    struct sitrep_dedup_sig sig, other;
    std::string fp = d->doc.get_value(SITREP_SLOT_FINGERPRINT);
    if (!sitrep_dedup_decode(fp.data(), fp.size(), &sig))
        return d->id;
    std::vector<std::string> bands = terms_of(d->doc, SITREP_FIELD_DEDUP_BAND);
    if (bands.empty())
        return d->id;
    std::string group = d->id;
    double best = 0;
    auto consider = [&](const std::string &v, const std::string &g) {
        if (!sitrep_dedup_decode(v.data(), v.size(), &other))
            return;
        double sim = sitrep_dedup_similarity(&sig, &other);
        if (sim >= SITREP_DEDUP_THRESHOLD && sim > best && !g.empty()) {
            best = sim;
            group = g;
        }
    };
    Xapian::Query any(Xapian::Query::OP_OR, bands.begin(), bands.end());
    Xapian::Enquire enq(w->all);
    enq.set_query(Xapian::Query(Xapian::Query::OP_AND_NOT, any, Xapian::Query(d->id_term)));
    /* Weight = the number of bands shared. */
    enq.set_weighting_scheme(Xapian::CoordWeight());
    Xapian::MSet m = enq.get_mset(0, max_candidates);
    for (Xapian::MSetIterator it = m.begin(); it != m.end(); ++it) {
        Xapian::Document c = it.get_document();
        consider(c.get_value(SITREP_SLOT_FINGERPRINT), c.get_value(SITREP_SLOT_GROUP));
    }
    /* A few dozen at most: comparing them all costs less than a search. */
    for (size_t i = 0; i < n; i++) {
        if (batch[i]->id_term != d->id_term)
            consider(batch[i]->doc.get_value(SITREP_SLOT_FINGERPRINT),
                     batch[i]->doc.get_value(SITREP_SLOT_GROUP));
    }
    return group;
}

/* Does shard i's part of the round.  Never throws. */
void do_job(sitrep_writer *w, size_t i) noexcept
{
    shard_job &j = w->jobs[i];
    Xapian::WritableDatabase &db = w->shards[i];
    try {
        for (const sitrep_doc *d : j.docs)
            db.replace_document(d->id_term, d->doc);
        if (j.commit) {
            db.set_metadata(SITREP_META_LAST_UPDATE, j.stamp);
            db.commit_transaction();
            db.begin_transaction(true);
        }
    } catch (...) {
        j.status = map_exception(j.error);
    }
}

void shard_thread(sitrep_writer *w, size_t i)
{
    uint64_t seen = 0;
    std::unique_lock<std::mutex> hold(w->lock);
    for (;;) {
        w->work.wait(hold, [&] { return w->quit || w->round != seen; });
        if (w->quit)
            break;
        seen = w->round;
        hold.unlock();
        do_job(w, i);
        hold.lock();
        if (--w->busy == 0)
            w->done.notify_one();
    }
}

/* Runs every shard's job, in parallel when there are several, and returns
 * the first failure (its message on w), leaving the jobs empty. */
sitrep_status run_round(sitrep_writer *w)
{
    sitrep_status st = SITREP_OK;
    if (w->threads.empty()) {
        for (size_t i = 0; i < w->shards.size(); i++)
            do_job(w, i);
    } else {
        std::unique_lock<std::mutex> hold(w->lock);
        w->busy = w->shards.size();
        w->round++;
        w->work.notify_all();
        w->done.wait(hold, [&] { return w->busy == 0; });
    }
    for (shard_job &j : w->jobs) {
        if (st == SITREP_OK && j.status != SITREP_OK) {
            st = j.status;
            w->error = j.error;
        }
        j = shard_job();
    }
    return st;
}

void stop_threads(sitrep_writer *w)
{
    {
        std::lock_guard<std::mutex> hold(w->lock);
        w->quit = true;
        w->work.notify_all();
    }
    for (std::thread &t : w->threads)
        t.join();
    w->threads.clear();
}

/* Opens (creating what is missing) one shard, with the schema recorded. */
sitrep_status open_shard(sitrep_writer *w, const std::string &path, std::string &msg)
{
    Xapian::WritableDatabase db(path, Xapian::DB_CREATE_OR_OPEN);
    sitrep_status st = sitrep_store::check_schema(db, msg);
    if (st != SITREP_OK)
        return st;
    if (db.get_metadata(SITREP_META_SCHEMA_VERSION) != SITREP_SCHEMA_VERSION) {
        db.set_metadata(SITREP_META_SCHEMA_VERSION, SITREP_SCHEMA_VERSION);
        db.commit();
    }
    w->shards.push_back(db);
    return SITREP_OK;
}

/* Creates the shards of a new sharded index in folder path, then the stub
 * that makes them one index: written last and renamed into place, so a
 * reader never finds a stub naming shards that are not there yet. */
sitrep_status create_sharded(sitrep_writer *w, const std::string &path, unsigned n,
                             std::string &msg)
{
    std::string stub;
    char name[32];
    sitrep_status st = SITREP_OK;

    if (mkdir(path.c_str(), 0777) != 0 && errno != EEXIST)
        throw Xapian::DatabaseCreateError("cannot create folder " + path, errno);
    for (unsigned i = 1; i <= n && st == SITREP_OK; i++) {
        std::snprintf(name, sizeof name, shard_name, i);
        st = open_shard(w, path + "/" + name, msg);
        stub += std::string("auto ") + name + "\n";
    }
    if (st != SITREP_OK)
        return st;
    std::string tmp = path + "/" + stub_name + ".tmp";
    FILE *f = std::fopen(tmp.c_str(), "w");
    bool ok = f && std::fwrite(stub.data(), 1, stub.size(), f) == stub.size() &&
              std::fflush(f) == 0 && fsync(fileno(f)) == 0;
    if (f && std::fclose(f) != 0)
        ok = false;
    if (!ok || std::rename(tmp.c_str(), (path + "/" + stub_name).c_str()) != 0)
        throw Xapian::DatabaseCreateError("cannot write " + tmp, errno);
    return SITREP_OK;
}

} // namespace

extern "C" {

sitrep_status sitrep_writer_open(const char *path, unsigned new_shards, sitrep_writer **out,
                                 char **errmsg) noexcept
{
    sitrep_writer *w = nullptr;
    sitrep_status st = SITREP_OK;
    std::string msg;
    std::vector<std::string> paths;
    struct stat sb;

    *out = nullptr;
    if (errmsg)
        *errmsg = nullptr;
    try {
        w = new sitrep_writer;
        if (sitrep_store::local_shards(path, paths)) {
            for (size_t i = 0; i < paths.size() && st == SITREP_OK; i++)
                st = open_shard(w, paths[i], msg);
        } else if (new_shards > 1 && stat((std::string(path) + "/iamglass").c_str(), &sb) != 0 &&
                   stat((std::string(path) + "/" + stub_name).c_str(), &sb) != 0) {
            st = create_sharded(w, path, new_shards, msg);
        } else {
            st = open_shard(w, path, msg);
        }
        for (size_t i = 0; i < w->shards.size() && st == SITREP_OK; i++) {
            w->all.add_database(w->shards[i]);
            w->shards[i].begin_transaction(true);
        }
        w->jobs.resize(w->shards.size());
        for (size_t i = 0; i < w->shards.size() && w->shards.size() > 1 && st == SITREP_OK; i++)
            w->threads.emplace_back(shard_thread, w, i);
    } catch (...) {
        st = map_exception(msg);
    }
    if (st != SITREP_OK) {
        sitrep_store::open_error(errmsg, path, st, msg);
        sitrep_writer_destroy(w);
        return st;
    }
    *out = w;
    return SITREP_OK;
}

sitrep_status sitrep_writer_put_batch(sitrep_writer *w, const sitrep_doc *const *docs,
                                      size_t n) noexcept
{
    char *term = nullptr;
    sitrep_status st = SITREP_OK;
    for (size_t i = 0; i < n; i++) {
        if (docs[i]->id_term.empty()) {
            w->error = "document has no id";
            return SITREP_ERR_INVALID;
        }
    }
    try {
        for (size_t i = 0; i < n; i++) {
            const sitrep_doc *d = docs[i];
            std::string group = find_group(w, d, docs, i);
            /* A handle on the caller's document, not a copy: the group is
             * recorded on it (replacing one an earlier put recorded). */
            Xapian::Document doc = d->doc;
            for (const std::string &t : terms_of(doc, SITREP_FIELD_GROUP))
                doc.remove_term(t);
            term = sitrep_schema_term(SITREP_FIELD_GROUP, group.c_str());
            if (!term)
                throw std::bad_alloc();
            doc.add_boolean_term(term);
            doc.add_value(SITREP_SLOT_GROUP, group);
            std::free(term);
            term = nullptr;
            w->jobs[shard_of(w, d->id)].docs.push_back(d);
        }
    } catch (...) {
        st = map_exception(w->error);
    }
    std::free(term);
    if (st != SITREP_OK) {
        for (shard_job &j : w->jobs)
            j = shard_job();
        return st;
    }
    return run_round(w);
}

sitrep_status sitrep_writer_put(sitrep_writer *w, const sitrep_doc *d) noexcept
{
    return sitrep_writer_put_batch(w, &d, 1);
}

sitrep_status sitrep_writer_delete(sitrep_writer *w, const char *id) noexcept
{
    char *term = sitrep_schema_term(SITREP_FIELD_ID, id);
    sitrep_status st = SITREP_OK;
    if (!term) {
        w->error = "empty id";
        return SITREP_ERR_INVALID;
    }
    try {
        Xapian::WritableDatabase &db = w->shards[shard_of(w, id)];
        if (!db.term_exists(term)) {
            w->error = std::string("no article with id '") + id + "'";
            st = SITREP_ERR_NOT_FOUND;
        } else {
            db.delete_document(term);
        }
    } catch (...) {
        st = map_exception(w->error);
    }
    std::free(term);
    return st;
}

sitrep_status sitrep_writer_commit(sitrep_writer *w) noexcept
{
    try {
        char stamp[32];
        time_t now = time(nullptr);
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
        for (shard_job &j : w->jobs) {
            j.commit = true;
            j.stamp = stamp;
        }
    } catch (...) {
        return map_exception(w->error);
    }
    return run_round(w);
}

uint64_t sitrep_writer_documents(sitrep_writer *w) noexcept
{
    try {
        return w->all.get_doccount();
    } catch (...) {
        return 0;
    }
}

sitrep_status sitrep_writer_get_stats(sitrep_writer *w, struct sitrep_db_stats *out) noexcept
{
    std::memset(out, 0, sizeof *out);
    try {
        out->documents = w->all.get_doccount();
        for (Xapian::WritableDatabase &db : w->shards)
            out->revision += db.get_revision();
        out->shards = (unsigned)w->shards.size();
        std::string lu = w->all.get_metadata(SITREP_META_LAST_UPDATE);
        std::snprintf(out->last_update, sizeof out->last_update, "%s", lu.c_str());
        return SITREP_OK;
    } catch (...) {
        return map_exception(w->error);
    }
}

const char *sitrep_writer_last_error(const sitrep_writer *w) noexcept
{
    return w->error.c_str();
}

void sitrep_writer_destroy(sitrep_writer *w) noexcept
{
    if (!w)
        return;
    stop_threads(w);
    for (Xapian::WritableDatabase &db : w->shards) {
        try {
            db.cancel_transaction();
        } catch (...) {
            /* No transaction open (a commit failed half-way): nothing to cancel. */
        }
        try {
            db.close();
        } catch (...) {
        }
    }
    delete w;
}

} // extern "C"
