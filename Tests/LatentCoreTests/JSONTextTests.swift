import Foundation
import LatentCore
import Testing

@Suite struct JSONTextTests {
    @Test(arguments: ["mnist", "a \"quoted\" name", "back\\slash", "tab\tnew\nline\r", "bell \u{07} and \u{1F}",
                      "ünïcødé / 数字 ✓", ""])
    func quotedStringsParseBackToThemselves(text: String) throws {
        let literal = JSONText.quoted(text)
        let parsed = try JSONSerialization.jsonObject(with: Data("{\"v\": \(literal)}".utf8)) as? [String: String]
        #expect(parsed?["v"] == text, "\(literal)")
    }

    @Test func plainTextOnlyGainsQuotes() {
        #expect(JSONText.quoted("fashion-mnist/train.npy") == "\"fashion-mnist/train.npy\"")
        #expect(JSONText.quoted("say \"hi\"\n") == #""say \"hi\"\n""#)
        #expect(JSONText.quoted("\u{01}") == #""\u0001""#)
    }
}
