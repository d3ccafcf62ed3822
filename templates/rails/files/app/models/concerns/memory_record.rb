# The part of Active Record's interface this app uses, for models kept in memory (this app has
# no database): each class keeps its records in a hash behind a mutex, for as long as the server
# process runs. Puma runs one process (config/puma.rb sets no workers), so every request sees
# the same records.
module MemoryRecord
  extend ActiveSupport::Concern

  class NotFound < StandardError; end

  # The records whose attributes equal the conditions, like an Active Record relation.
  class Relation
    def initialize(model, conditions)
      @model = model
      @conditions = conditions
    end

    def new(attributes = {})
      @model.new(attributes.to_h.merge(@conditions))
    end

    def find(id)
      key = Integer(id, exception: false)
      records.find { |record| record.id == key } || raise(NotFound, "#{@model.name} #{id} not found")
    end

    def find_by(**conditions)
      @model.where(**@conditions, **conditions).first
    end

    def first
      records.first
    end

    def count
      records.size
    end

    # Ordered by id, like the Active Record model's page scope.
    def page(limit:, offset:)
      records.drop(offset).first(limit)
    end

    def delete_all
      records.each { |record| @model.remove(record.id) }.size
    end

    private
      def records
        @model.matching(@conditions)
      end
  end

  # Included before this module, so that its methods (persisted?, ...) win over Active Model's.
  include ActiveModel::Model
  include ActiveModel::Attributes
  include ActiveModel::Serializers::JSON

  included do
    extend ActiveModel::Callbacks

    define_model_callbacks :create

    attribute :id, :integer
    attribute :created_at, :datetime
    attribute :updated_at, :datetime

    @records = {}
    @last_id = 0
    @lock = Mutex.new
  end

  class_methods do
    def where(**conditions)
      Relation.new(self, conditions)
    end

    delegate :find, :find_by, :count, :page, :delete_all, to: :all

    def all
      where
    end

    def create!(attributes = {})
      new(attributes).tap { |record| record.save || raise(ArgumentError, record.errors.full_messages.to_sentence) }
    end

    # Copies of the records whose attributes equal the conditions, ordered by id.
    def matching(conditions)
      @lock.synchronize do
        @records.values.select { |record| conditions.all? { |name, value| record.public_send(name) == value } }
          .sort_by(&:id).map(&:dup)
      end
    end

    # Stores the record under the lock; a block can refuse it (false) while the lock is held.
    def store(record)
      @lock.synchronize do
        return false if block_given? && !yield(@records.values)

        record.id ||= (@last_id += 1)
        @records[record.id] = record.dup
        true
      end
    end

    def remove(id)
      @lock.synchronize { @records.delete(id) }
    end
  end

  def save
    return false unless valid?

    now = Time.current
    self.created_at ||= now
    self.updated_at = now
    persisted? ? store : run_callbacks(:create) { store }
  end

  # Like Active Record: an update that changes nothing stores nothing (updated_at stays).
  def update(new_attributes)
    before = attributes
    assign_attributes(new_attributes)
    return valid? if attributes == before

    save
  end

  def destroy
    self.class.remove(id)
    self
  end
  alias_method :destroy!, :destroy

  def persisted?
    id.present?
  end

  private
    # Stores this record; a model can override it to check something under the store's lock.
    def store
      self.class.store(self)
    end
end
