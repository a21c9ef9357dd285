// Golden: for every raw log in shared/corpus, `auspex replay --format events` emits exactly
// the events a plain, independent grouping of the log gives: one per (node, serial, time),
// with the same record types in the same order. Also go-libaudit's reassembler
// expectations (serials, record counts, delivery order, serial gaps).
#include <gtest/gtest.h>
#include <simdjson.h>

#include <map>
#include <sstream>
#include <tuple>

#include "corpus_files.h"
#include "testing/subprocess.h"

namespace {

using Key = std::tuple<std::string, uint32_t, std::string>;  // node, serial, "sec.msec"
using Groups = std::map<Key, std::vector<std::string>>;      // record type names in order

// Independent of the parser under test: plain string search on each line.
Groups group_by_hand(const std::string& text) {
  Groups g;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::string node;
    size_t p = 0;
    if (line.rfind("node=", 0) == 0) {
      p = line.find(' ');
      node = line.substr(5, p - 5);
      ++p;
    }
    if (line.compare(p, 5, "type=") != 0) continue;
    const size_t sp = line.find(' ', p);
    const std::string type = line.substr(p + 5, sp - p - 5);
    const size_t a = line.find("msg=audit(", sp);
    const size_t colon = line.find(':', a);
    const size_t close = line.find(')', a);
    if (a == std::string::npos || colon == std::string::npos || close == std::string::npos) continue;
    const std::string stamp = line.substr(a + 10, colon - a - 10);
    const uint32_t serial = static_cast<uint32_t>(std::stoul(line.substr(colon + 1, close - colon - 1)));
    g[{node, serial, stamp}].push_back(type);
  }
  return g;
}

std::string stamp_of(std::string_view rfc3339) {
  // "2017-04-12T22:48:09.295Z" -> seconds since epoch + ".295", via timegm.
  std::tm tm{};
  strptime(std::string(rfc3339.substr(0, 19)).c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  return std::to_string(timegm(&tm)) + "." + std::string(rfc3339.substr(20, 3));
}

Groups group_from_replay(const std::string& ndjson, size_t& events) {
  Groups g;
  simdjson::dom::parser parser;
  std::istringstream in(ndjson);
  std::string line;
  events = 0;
  while (std::getline(in, line)) {
    auto doc = parser.parse(line);
    EXPECT_EQ(doc.error(), simdjson::SUCCESS) << line;
    if (doc.error()) continue;
    ++events;
    std::string node;
    if (!doc["node"].is_null()) node = std::string(doc["node"].get_string().value());
    const auto serial = static_cast<uint32_t>(doc["sequence"].get_uint64().value());
    const std::string stamp = stamp_of(doc["timestamp"].get_string().value());
    auto& types = g[{node, serial, stamp}];
    EXPECT_TRUE(types.empty()) << "event emitted twice (split): serial " << serial;
    for (auto r : doc["records"].get_array()) types.emplace_back(r["type"].get_string().value());
  }
  return g;
}

class ReplayGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(ReplayGolden, SameGroupsAsIndependentGrouping) {
  const std::string path = GetParam();
  const Groups expected = group_by_hand(testing_support::slurp(path));
  ASSERT_FALSE(expected.empty());
  for (const char* shards : {"0", "1", "2"}) {
    auto r = testing_support::run(std::string(AUSPEX_BINARY) + " replay --shards " + shards + " '" + path + "'");
    ASSERT_EQ(r.rc, 0) << r.err;
    size_t events = 0;
    const Groups got = group_from_replay(r.out, events);
    EXPECT_EQ(events, expected.size()) << path << " shards " << shards;
    EXPECT_EQ(got, expected) << path << " shards " << shards;
  }
}

INSTANTIATE_TEST_SUITE_P(Corpus, ReplayGolden, ::testing::ValuesIn(corpus::raw_logs()),
                         [](const auto& info) {
                           std::string n = info.param.substr(std::string(AUSPEX_CORPUS).size() + 1);
                           for (auto& c : n)
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

TEST(ReplayGolden, CorpusHasTheExpectedLogs) {
  // Guards against the file discovery silently finding nothing.
  EXPECT_GE(corpus::raw_logs().size(), 40u);
}

// go-libaudit TestReassembler (shared/corpus/go-libaudit/testdata/reassembler_expected.json):
// max 5 events in flight, 2 s timeout, flushed at close.
TEST(ReplayGolden, GoLibauditReassemblerExpectations) {
  const std::string dir = std::string(AUSPEX_CORPUS) + "/go-libaudit/testdata/";
  simdjson::dom::parser parser;
  auto expected = parser.load(dir + "reassembler_expected.json");
  ASSERT_EQ(expected.error(), simdjson::SUCCESS);
  size_t cases = 0;
  for (auto [name, c] : expected["cases"].get_object()) {
    ++cases;
    const std::string file = dir + std::string(name);
    auto r = testing_support::run(std::string(AUSPEX_BINARY) +
                                  " replay --stats --max-in-flight 5 --timeout-ms 2000 --shards 2 '" + file + "'");
    ASSERT_EQ(r.rc, 0) << r.err;
    std::vector<std::pair<uint64_t, uint64_t>> got, want;
    simdjson::dom::parser p2;
    std::istringstream in(r.out);
    std::string line;
    while (std::getline(in, line)) {
      auto d = p2.parse(line);
      ASSERT_EQ(d.error(), simdjson::SUCCESS);
      got.emplace_back(d["sequence"].get_uint64().value(), d["records"].get_array().size());
    }
    for (auto e : c["events"].get_array())
      want.emplace_back(e["seq"].get_uint64().value(), e["count"].get_uint64().value());
    EXPECT_EQ(got, want) << name;
    // Their "dropped" is a serial gap; in a log we report it as serial_gaps, not loss.
    auto stats = p2.parse(last_json_line(r.err));
    ASSERT_EQ(stats.error(), simdjson::SUCCESS) << r.err;
    EXPECT_EQ(stats["serial_gaps"].get_uint64().value(), c["dropped"].get_uint64().value()) << name;
  }
  EXPECT_EQ(cases, 4u);
}

}  // namespace
